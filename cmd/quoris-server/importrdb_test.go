package main

import (
	"bufio"
	"encoding/binary"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/quoris/quoris/datatypes/rdb"
	"github.com/quoris/quoris/snapshot"
)

func TestSubcommandArgs(t *testing.T) {
	tests := []struct {
		args    []string
		file    string
		rest    []string
		out     string
		wantErr bool
	}{
		{args: []string{"dump.rdb"}, file: "dump.rdb"},
		{args: []string{"dump.rdb", "--dir", "/d"}, file: "dump.rdb", rest: []string{"--dir", "/d"}},
		{args: []string{"--dir", "/d", "dump.rdb", "--raft-nosync"}, file: "dump.rdb", rest: []string{"--dir", "/d", "--raft-nosync"}},
		{args: []string{"--raft-nosync", "dump.rdb"}, file: "dump.rdb", rest: []string{"--raft-nosync"}},
		{args: []string{"--out", "x.snap", "dump.rdb"}, file: "dump.rdb", out: "x.snap"},
		{args: []string{"--out=x.snap", "dump.rdb", "--port", "7000"}, file: "dump.rdb", out: "x.snap", rest: []string{"--port", "7000"}},
		{args: []string{"--dir", "/d"}, wantErr: true},
		{args: []string{"dump.rdb", "--out"}, wantErr: true},
	}
	for _, tc := range tests {
		out, rest, err := takeFlag(tc.args, "out", importUsage)
		var file string
		if err == nil {
			file, rest, err = splitFile(rest, importUsage)
		}
		if (err != nil) != tc.wantErr {
			t.Errorf("%q: err %v", tc.args, err)
			continue
		}
		if err == nil && (file != tc.file || out != tc.out || !slices.Equal(rest, tc.rest) && len(rest)+len(tc.rest) > 0) {
			t.Errorf("%q: file %q out %q rest %q", tc.args, file, out, rest)
		}
	}
}

// TestConvertRDB converts a small RDB file: live keys become snapshot
// records, an expired key is left out, a key past --databases is refused
// with no output.
func TestConvertRDB(t *testing.T) {
	dir := t.TempDir()
	file := func(parts ...[]byte) string {
		b := []byte("REDIS0010")
		for _, p := range parts {
			b = append(b, p...)
		}
		b = append(b, 0xFF)
		b = binary.LittleEndian.AppendUint64(b, rdb.CRC64(0, b))
		path := filepath.Join(dir, "in.rdb")
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	kv := func(k, v string) []byte {
		return rdb.AppendString(rdb.AppendString([]byte{rdb.TypeString}, []byte(k)), []byte(v))
	}
	past := binary.LittleEndian.AppendUint64([]byte{0xFC}, 1000)
	future := binary.LittleEndian.AppendUint64([]byte{0xFC}, uint64(time.Now().Add(time.Hour).UnixMilli()))
	out := filepath.Join(dir, "out.snap")
	st, err := convertRDB(file(kv("a", "1"), append(past, kv("gone", "x")...), []byte{0xFE, 2}, append(future, kv("b", "2")...)), out, 16)
	if err != nil {
		t.Fatal(err)
	}
	if st.keys != 2 || st.expired != 1 {
		t.Errorf("stats %+v", st)
	}
	f, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rd, err := snapshot.NewReader(bufio.NewReader(f))
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	var rec snapshot.Record
	for rd.ReadBorrow(&rec) == nil {
		if rec.Kind == snapshot.KindKey {
			name := string(rec.Name)
			if rec.Name == nil {
				name = rec.Key.Key
			}
			keys = append(keys, name)
		}
	}
	if strings.Join(keys, ",") != "a,b" {
		t.Errorf("snapshot keys %q", keys)
	}
	if _, err := convertRDB(file([]byte{0xFE, 20}, kv("k", "v")), filepath.Join(dir, "bad.snap"), 16); err == nil || !strings.Contains(err.Error(), "database 20") {
		t.Errorf("key past --databases: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "bad.snap")); err == nil {
		t.Error("a failed conversion left a file")
	}
}
