package lualib

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

func structDiffCases() []diffCase {
	exprs := []string{
		"struct.pack('i40',1)", "struct.pack('i3',-2)", "struct.pack('i99999999999',1)", "struct.unpack('i','abcd',0)",
		"struct.unpack('i','abcd',-5)", "struct.unpack('i','abcd',6)", "struct.size('!4 b i')", "struct.size('s')", "struct.size('c0')",
		"struct.pack('!3 i',1)", "struct.pack('!99999999999 i',1)", "struct.unpack('c0','\\3abc')", "struct.unpack('bc0','\\3abc')",
		"struct.pack('i16',-1)", "struct.pack('>i16',-1)", "struct.unpack('>i16',string.rep('\\255',16))", "struct.unpack('<I9',string.rep('\\255',9))",
		"struct.unpack('<i9',string.rep('\\255',9))", "struct.unpack('>i12','\\128'..string.rep('\\0',11))",
		"struct.pack('c','')", "struct.pack('s')", "struct.pack('b',1e300)", "struct.pack('I',-1)", "struct.pack('<L',2^63)",
		"struct.pack('<i8',2^64)", "struct.pack('<i8',-2^63-1e5)", "struct.pack('d')", "struct.unpack('z','')", "struct.size('T')",
		"struct.unpack('i',1234)", "struct.pack(1)", "struct.pack()", "struct.pack('b',0/0)", "struct.pack('b',1/0)", "struct.pack('b',-1/0)",
		"struct.pack('<d',0/0)", "struct.pack('<f',1/3)", "struct.unpack('<f',struct.pack('<f',1/3))", "struct.unpack('>d',struct.pack('>d',-1e300))",
		"struct.pack('>f',1e40)", "struct.pack('<h',40000)", "struct.pack('<H',-1.5)", "struct.pack('<i',2.7)", "struct.pack('<i',-2.7)",
		"struct.pack('<c3','abcdef')", "struct.pack('<c0','abcdef')", "struct.pack('<s','ab\\0cd')", "struct.pack('<sc2','x','yz')",
		"struct.unpack('<s','abc\\0def')", "struct.unpack('<s','abc')", "struct.unpack('<sc0','3\\0abcde')", "struct.unpack('<x','')",
		"struct.pack('!<bi',1,2)", "struct.pack('!2<bi',1,2)", "struct.pack('!<bd',1,2)", "struct.pack('!<bhbl',1,2,3,4)", "struct.pack('!<bxxxi',1,2)",
		"struct.unpack('!<bi',struct.pack('!<bi',-1,-2))", "struct.unpack('!<bhbl',struct.pack('!<bhbl',1,2,3,4))", "struct.size('!bi')", "struct.size('!2bdi')",
		"struct.size('bhilLTfdx c5')", "struct.size('i32')", "struct.size('i33')", "struct.size('!16 b i32')", "struct.size('!0')",
		"struct.pack('<i','12')", "struct.pack('<i',' 0x10 ')", "struct.pack('<i','zz')", "struct.pack('<i',{})", "struct.pack('<c2',12)",
		"struct.unpack('<i','abcd',1.9)", "struct.unpack('<i','abcdefgh',5)", "struct.unpack('<i','abcdefgh','5')", "struct.unpack('<i','abcdefgh',{})",
		"struct.unpack('<b','a',nil)", "struct.unpack()", "struct.unpack('b')", "struct.unpack({}, 'a')", "struct.size()", "struct.size('b~')", "struct.size('z')",
		"struct.pack('<b<>h',1,2)", "struct.unpack('<b  >h','\\1\\0\\2')", "struct.pack('  ')", "struct.unpack('','abc')", "struct.unpack('','abc',4)",
		"struct.unpack('','abc',5)", "struct.unpack('<c2c0','12abcdefghijklm')", "struct.unpack('<bc0','\\255abc')", "struct.unpack('<dc0',struct.pack('<d',-1)..'abc')",
		"struct.pack('<i0',5)", "struct.unpack('<i0','')", "struct.pack('<!1i',1)", "struct.pack('<c99999999999','a')",
		"struct.pack('<I8',2^53+1)", "struct.unpack('<I8',string.rep('\\255',8))", "struct.unpack('<i8',string.rep('\\255',7)..'\\127')",
		"struct.unpack('<i','a\\0b\\0c')", "struct.pack('b\\0i',1,2)", "struct.size('b\\0i')",
		"struct.unpack(string.rep('b',9000),string.rep('a',9000))", "struct.unpack(string.rep('b',7990),string.rep('a',9000))",
	}
	rng := rand.New(rand.NewPCG(3, 5))
	opts := []string{"b", "B", "h", "H", "i", "I", "l", "L", "i2", "I2", "i8", "I3", "i5", "T", "d", "f", "x"}
	for i := 0; i < 80; i++ {
		var fmtb strings.Builder
		var args []string
		if rng.IntN(2) == 0 {
			fmtb.WriteString(">")
		} else {
			fmtb.WriteString("<")
		}
		if rng.IntN(2) == 0 {
			fmt.Fprintf(&fmtb, "!%d", 1<<rng.IntN(4))
		}
		for j := 0; j < 1+rng.IntN(5); j++ {
			o := opts[rng.IntN(len(opts))]
			fmtb.WriteString(o)
			switch o {
			case "x":
			case "d", "f":
				args = append(args, fmt.Sprintf("%g", (rng.Float64()-0.5)*1e6))
			default:
				args = append(args, fmt.Sprint(rng.Int64N(1<<40)-(1<<39)))
			}
		}
		if rng.IntN(3) == 0 {
			fmtb.WriteString("c0")
			args = append(args, "'str"+fmt.Sprint(i)+"'")
		}
		f := fmtb.String()
		all := strings.Join(append([]string{"'" + f + "'"}, args...), ",")
		exprs = append(exprs, "struct.pack("+all+")", "struct.unpack('"+f+"', struct.pack("+all+"))", "struct.size('"+strings.TrimSuffix(f, "c0")+"')")
	}
	return exprCases("struct", exprs...)
}
