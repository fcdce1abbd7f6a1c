package rdb

import (
	"encoding/binary"
	"errors"
	"strconv"
	"strings"
	"testing"
)

// rdbFile assembles an RDB file from parts and appends EOF and the CRC
// (zero when crc is false, as rdbchecksum no writes it).
func rdbFile(crc bool, parts ...[]byte) []byte {
	b := []byte("REDIS0010")
	for _, p := range parts {
		b = append(b, p...)
	}
	b = append(b, opEOF)
	sum := uint64(0)
	if crc {
		sum = CRC64(0, b)
	}
	return binary.LittleEndian.AppendUint64(b, sum)
}

func str(s string) []byte { return AppendString(nil, []byte(s)) }

func TestReadFileOpcodes(t *testing.T) {
	ms := binary.LittleEndian.AppendUint64([]byte{opExpireTimeMs}, 1700000000123)
	secs := binary.LittleEndian.AppendUint32([]byte{opExpireTime}, 1700000000)
	file := rdbFile(true,
		append(append([]byte{opAux}, str("redis-ver")...), str("7.0.15")...),
		[]byte{opSelectDB, 0, opResizeDB, 2, 1},
		append(append(ms, TypeString), append(str("a"), str("1")...)...),
		[]byte{opIdle, 5, opFreq, 7},
		append([]byte{TypeString}, append(str("b"), str(strings.Repeat("xy", 40))...)...),
		[]byte{opSelectDB, 3},
		append(append(secs, TypeSet), append(str("s"), 1, 1, 'm')...),
		append([]byte{opFunction2}, str("#!lua name=l\nredis.register_function('f', function() return 1 end)")...),
	)
	var got []string
	var funcs int
	aux := map[string]string{}
	err := ReadFile(file, FileHandler{
		Key: func(k FileKey) error {
			v, err := DecodeDump(k.Payload, DefaultLimits)
			if err != nil {
				return err
			}
			got = append(got, string(rune('0'+k.DB))+":"+string(k.Key)+"@"+itoa(k.ExpireAt)+"="+render(v))
			return nil
		},
		Function: func([]byte) error { funcs++; return nil },
		Aux:      func(n, v []byte) { aux[string(n)] = string(v) },
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"0:a@1700000000123=0false1",
		"0:b@0=0false" + strings.Repeat("xy", 40),
		"3:s@1700000000000=2false|m",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") || funcs != 1 || aux["redis-ver"] != "7.0.15" {
		t.Fatalf("got %q funcs %d aux %v", got, funcs, aux)
	}
	// rdbchecksum no: a zero CRC is not checked.
	if err := ReadFile(rdbFile(false, []byte{opSelectDB, 0}), FileHandler{}); err != nil {
		t.Errorf("zero checksum: %v", err)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func TestReadFileRefuses(t *testing.T) {
	good := rdbFile(true, append([]byte{TypeString}, append(str("k"), str("v")...)...))
	bad := append([]byte(nil), good...)
	bad[len(bad)-1] ^= 1
	tests := []struct {
		name string
		file []byte
		want error
	}{
		{"signature", []byte("RADIS0010\xff"), ErrFormat},
		{"newer version", []byte("REDIS0011\xff"), ErrFormat},
		{"no EOF", []byte("REDIS0010"), ErrFormat},
		{"checksum", bad, ErrChecksum},
		{"module value", rdbFile(true, append([]byte{TypeModule2}, str("k")...)), ErrModule},
		{"module aux", rdbFile(true, []byte{opModuleAux}), ErrModule},
		{"pre-release functions", rdbFile(true, []byte{opFunctionPre}), ErrFormat},
		{"bad value", rdbFile(true, append([]byte{TypeSetIntset}, append(str("k"), str("xx")...)...)), ErrFormat},
		{"unknown type", rdbFile(true, append([]byte{8}, str("k")...)), ErrFormat},
	}
	for _, tc := range tests {
		if err := ReadFile(tc.file, FileHandler{}); !errors.Is(err, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, err, tc.want)
		}
	}
}

// FuzzReadFile: no input makes the file reader panic.
func FuzzReadFile(f *testing.F) {
	f.Add(rdbFile(true, []byte{opSelectDB, 1}, append([]byte{TypeString}, append(str("k"), str("v")...)...)))
	f.Add(rdbFile(false, append([]byte{opFunction2}, str("code")...)))
	f.Fuzz(func(t *testing.T, b []byte) {
		_ = ReadFile(append([]byte("REDIS0010"), b...), FileHandler{Key: func(k FileKey) error {
			_, err := DecodeDump(k.Payload, DefaultLimits)
			return err
		}})
	})
}
