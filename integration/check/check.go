package check

import (
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/anishathalye/porcupine"
)

// Verdict is the outcome of checking one history.
type Verdict struct {
	Linearizable bool
	TimedOut     bool   // the checker gave up: neither proven nor refuted
	Visual       string // path of porcupine's HTML visualisation, on violation
}

// Linearizable checks h against model, writing porcupine's visualisation
// into dir (named after name) when the history is not linearizable.
func Linearizable(model porcupine.Model, h *History, timeout time.Duration, dir, name string) (Verdict, error) {
	ops := h.Operations()
	// The plain check first: the verbose one keeps partial linearizations
	// for the visualisation, which costs far more memory.
	res := porcupine.CheckOperationsTimeout(model, ops, timeout)
	v := Verdict{Linearizable: res == porcupine.Ok, TimedOut: res == porcupine.Unknown}
	if res == porcupine.Illegal && dir != "" {
		_, info := porcupine.CheckOperationsVerbose(model, ops, timeout)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return v, err
		}
		v.Visual = filepath.Join(dir, name+".html")
		if err := porcupine.VisualizePath(model, info, v.Visual); err != nil {
			return v, fmt.Errorf("write visualisation: %w", err)
		}
	}
	return v, nil
}
