package resp

import (
	"math/rand/v2"
	"strconv"

	"github.com/tidwall/redcon"

	"github.com/quoris/quoris/datatypes"
	"github.com/quoris/quoris/fsm"
)

// pfselftestCommand is Redis's PFSELFTEST: a self test of the HLL code
// this node runs (datatypes.HLLSelfTest), answered +OK or with Redis's
// TESTFAILED error. It touches no data, so it runs here, not in the log.
func pfselftestCommand() *localCmd {
	return &localCmd{Spec: fsm.Spec{Name: "pfselftest", Arity: 1, Flags: []string{"admin"}, Group: "hyperloglog",
		Summary: "An internal command for testing HyperLogLog values", Since: "2.8.9", Complexity: "N/A"},
		run: func(s *Server, cl *client, args [][]byte, out []byte) []byte {
			sparseMax, err := strconv.ParseInt(s.configValue("hll-sparse-max-bytes"), 10, 64)
			if err != nil {
				sparseMax = 3000
			}
			if msg := datatypes.HLLSelfTest(rand.Uint64, sparseMax); msg != "" {
				return appendErrStr(out, msg)
			}
			return redcon.AppendOK(out)
		}}
}
