package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/quoris/quoris/raftnode"
	"github.com/quoris/quoris/snapshot"
)

// Backups are quoris snapshot files (format version 2, see snapshot/): the
// leader's QUORIS.BACKUP streams one; `restore FILE` starts the first node
// of a new cluster from one (see docs/operations.md).

const backupUsage = "usage: quoris-server backup --from HOST:PORT [--password PASS] FILE"

// runBackup is `quoris-server backup --from HOST:PORT [--password P] FILE`.
func runBackup(args []string) error {
	var from, password, file string
	for i := 0; i < len(args); i++ {
		a := args[i]
		name, val, hasVal := strings.Cut(a, "=")
		switch name {
		case "--from", "--password":
			if !hasVal {
				if i+1 >= len(args) {
					return errors.New(backupUsage)
				}
				i++
				val = args[i]
			}
			if name == "--from" {
				from = val
			} else {
				password = val
			}
		default:
			if strings.HasPrefix(a, "-") || file != "" {
				return errors.New(backupUsage)
			}
			file = a
		}
	}
	if from == "" || file == "" {
		return errors.New(backupUsage)
	}
	n, err := fetchBackup(from, password, file)
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "backup: %d bytes written to %s\n", n, file)
	return nil
}

// fetchBackup asks addr for QUORIS.BACKUP (following one MOVED to the
// leader), writes the snapshot to file through a temporary name, and
// checks it reads back whole before it is renamed into place.
func fetchBackup(addr, password, file string) (int64, error) {
	tmp := file + ".tmp"
	for hop := 0; hop < 3; hop++ {
		n, moved, err := fetchOnce(addr, password, tmp)
		if err != nil {
			os.Remove(tmp)
			return 0, err
		}
		if moved != "" {
			addr = moved
			continue
		}
		if err := verifySnapshotFile(tmp); err != nil {
			os.Remove(tmp)
			return 0, err
		}
		return n, os.Rename(tmp, file)
	}
	return 0, errors.New("backup: too many redirections")
}

func fetchOnce(addr, password, tmp string) (n int64, moved string, err error) {
	c, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		return 0, "", err
	}
	defer c.Close()
	br := bufio.NewReaderSize(c, 1<<16)
	send := func(args ...string) (string, error) {
		var b []byte
		b = fmt.Appendf(b, "*%d\r\n", len(args))
		for _, a := range args {
			b = fmt.Appendf(b, "$%d\r\n%s\r\n", len(a), a)
		}
		if _, err := c.Write(b); err != nil {
			return "", err
		}
		line, err := br.ReadString('\n')
		return strings.TrimRight(line, "\r\n"), err
	}
	if password != "" {
		if line, err := send("AUTH", password); err != nil || line != "+OK" {
			return 0, "", fmt.Errorf("backup: AUTH: %q %v", line, err)
		}
	}
	line, err := send("QUORIS.BACKUP")
	if err != nil {
		return 0, "", err
	}
	if f := strings.Fields(line); len(f) == 3 && f[0] == "-MOVED" {
		return 0, f[2], nil
	}
	if !strings.HasPrefix(line, "$") {
		return 0, "", fmt.Errorf("backup: %s", strings.TrimPrefix(line, "-"))
	}
	size, err := strconv.ParseInt(line[1:], 10, 64)
	if err != nil || size < 0 {
		return 0, "", fmt.Errorf("backup: bad reply %q", line)
	}
	f, err := os.Create(tmp)
	if err != nil {
		return 0, "", err
	}
	defer f.Close()
	if _, err := io.CopyN(f, br, size); err != nil {
		return 0, "", fmt.Errorf("backup: %w", err)
	}
	if err := f.Sync(); err != nil {
		return 0, "", err
	}
	return size, "", f.Close()
}

// verifySnapshotFile reads every record, which checks the trailer's
// checksum.
func verifySnapshotFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	rd, err := snapshot.NewReader(bufio.NewReaderSize(f, 1<<16))
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	var rec snapshot.Record
	for {
		err := rd.ReadBorrow(&rec)
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
	}
}

// seedFromFile loads a snapshot file into the new cluster node leads (see
// raftnode.SeedState).
func seedFromFile(node *raftnode.Node, path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return err
	}
	if err := node.SeedState(bufio.NewReaderSize(f, 1<<16), st.Size(), 10*time.Minute); err != nil {
		return fmt.Errorf("restore %s: %w", filepath.Base(path), err)
	}
	return nil
}

// splitFile takes the first argument that is not a flag as the subcommand's
// file and returns the rest for the server's flags.
func splitFile(args []string, usage string) (string, []string, error) {
	for i, a := range args {
		if !strings.HasPrefix(a, "-") && (i == 0 || !needsValue(args[i-1])) {
			return a, append(append([]string(nil), args[:i]...), args[i+1:]...), nil
		}
	}
	return "", nil, errors.New(usage)
}

// needsValue reports whether a flag given without "=value" takes the next
// argument as its value (every server flag but the booleans does).
func needsValue(flag string) bool {
	if !strings.HasPrefix(flag, "-") || strings.Contains(flag, "=") {
		return false
	}
	name := strings.TrimLeft(flag, "-")
	for _, s := range settings {
		if s.name == name {
			_, isBool := s.def.(bool)
			return !isBool
		}
	}
	return true
}

const restoreUsage = "usage: quoris-server restore SNAPSHOT [server flags...] (an empty --dir, no --join)"

// runRestore is `quoris-server restore FILE [server flags]`: the server
// starts as the first node of a new cluster holding the file's data.
func runRestore(args []string) error {
	file, rest, err := splitFile(args, restoreUsage)
	if err != nil {
		return err
	}
	if err := verifySnapshotFile(file); err != nil {
		return err
	}
	return run(rest, func(node *raftnode.Node) error { return seedFromFile(node, file) })
}
