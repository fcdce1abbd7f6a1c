package fsm

import (
	"encoding/binary"
	"errors"
	"strings"

	"github.com/quoris/quoris/datatypes/rdb"
)

// FUNCTION DUMP's payload is Redis's: per library the RDB opcode FUNCTION2
// (245) and the code as an RDB string (LZF-compressed past 20 bytes, as
// Redis with rdbcompression), then the RDB version and CRC-64 footer of a
// DUMP payload (datatypes/rdb), so dumps move between redis-server and
// quoris both ways.
const rdbOpFunction2 = 245

func (s *scriptState) dump() []byte {
	var out []byte
	for _, l := range s.sortedLibs() {
		out = append(out, rdbOpFunction2)
		out = rdb.AppendString(out, l.code)
	}
	out = binary.LittleEndian.AppendUint16(out, rdb.Version)
	return binary.LittleEndian.AppendUint64(out, rdb.CRC64(0, out))
}

// parseFunctionDump checks the footer and returns each library's code.
func parseFunctionDump(p []byte) ([][]byte, error) {
	if rdb.VerifyDump(p) != nil {
		return nil, errDumpPayload
	}
	body := p[:len(p)-10]
	r := rdb.NewReader(body)
	var codes [][]byte
	for r.Pos() < len(body) {
		op, err := r.ReadByte()
		if err != nil || op != rdbOpFunction2 {
			return nil, errors.New("ERR given type is not a function")
		}
		code, err := r.ReadString()
		if err != nil {
			return nil, errors.New("ERR failed loading the given functions payload")
		}
		codes = append(codes, code)
	}
	return codes, nil
}

func functionRestore(c *Ctx) error {
	policy := "append"
	if len(c.Args) > 4 {
		return errors.New("ERR unknown subcommand or wrong number of arguments for 'RESTORE'. Try FUNCTION HELP.")
	}
	if len(c.Args) == 4 {
		policy = strings.ToLower(string(c.Args[3]))
		if policy != "flush" && policy != "append" && policy != "replace" {
			return errRestorePolicy
		}
	}
	codes, err := parseFunctionDump(c.Args[2])
	if err != nil {
		return err
	}
	if !c.Write {
		return errReadPathWrite
	}
	libs := make([]*luaLibrary, 0, len(codes))
	names := map[string]bool{}
	for _, code := range codes {
		lib, err := compileLibrary(c, code)
		if err != nil {
			return err
		}
		if names[lib.name] {
			return errors.New("ERR Library '" + lib.name + "' already exists")
		}
		names[lib.name] = true
		libs = append(libs, lib)
	}
	s := &c.f.scripts
	if policy == "flush" {
		s.mu.Lock()
		s.libs, s.funcs = map[string]*luaLibrary{}, map[string]*luaFunction{}
		s.mu.Unlock()
	}
	if err := s.addLibraries(libs, policy == "replace"); err != nil {
		return err
	}
	c.OK()
	return nil
}
