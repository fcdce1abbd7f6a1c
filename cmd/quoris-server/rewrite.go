package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"go.yaml.in/yaml/v3"

	"github.com/quoris/quoris/fsm"
	"github.com/quoris/quoris/redisconf"
	"github.com/quoris/quoris/resp"
)

// rewritable are quoris's own settings CONFIG SET changes at run time,
// which CONFIG REWRITE therefore saves.
var rewritable = []string{"loglevel", "snapshot-threshold", "snapshot-interval", "trailing-logs", "gc-percent"}

// Rewrite is CONFIG REWRITE: it updates the YAML file given by --config in
// place, keeping its comments, its order and keys it does not know. A
// Redis parameter back at its default is removed from the file; quoris's
// run-time settings are updated where present and added when changed.
func (s *settingsView) Rewrite(redis map[string]string) error {
	path := s.v.ConfigFileUsed()
	if path == "" {
		return resp.ErrNoConfigFile
	}
	src, err := os.ReadFile(path)
	if err != nil && !os.IsNotExist(err) {
		return err
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(src, &doc); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if doc.Kind == 0 {
		doc = yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{{Kind: yaml.MappingNode, Tag: "!!map"}}}
	}
	m := doc.Content[0]
	if m.Kind != yaml.MappingNode {
		return fmt.Errorf("%s: not a YAML mapping", path)
	}
	want := map[string]string{}
	for k, v := range redis {
		want[k] = v
	}
	vals := s.values()
	for _, name := range rewritable {
		want[name] = vals[name]
	}
	kept := m.Content[:0]
	done := map[string]bool{}
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], m.Content[i+1]
		nv, ok := want[k.Value]
		p := redisconf.Lookup(k.Value)
		_, owned := vals[k.Value]
		switch {
		case ok:
			setScalar(v, nv)
			done[k.Value] = true
		case p != nil && !owned && !fsm.IsReplicatedSetting(k.Value):
			continue // back at its default: drop the line
		}
		kept = append(kept, k, v)
	}
	m.Content = kept
	var add []string
	for k := range want {
		if _, isRedis := redis[k]; !done[k] && (isRedis || s.changed(k)) {
			add = append(add, k)
		}
	}
	sort.Strings(add)
	for _, k := range add {
		v := &yaml.Node{}
		setScalar(v, want[k])
		m.Content = append(m.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: k}, v)
	}
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(&doc); err != nil {
		return err
	}
	tmp := filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+".rewrite")
	if err := os.WriteFile(tmp, buf.Bytes(), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// changed reports whether a quoris setting differs from its flag default.
func (s *settingsView) changed(name string) bool {
	for _, st := range settings {
		if st.name == name {
			return fmt.Sprint(st.def) != s.values()[name]
		}
	}
	return false
}

func setScalar(n *yaml.Node, v string) {
	*n = yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: v, HeadComment: n.HeadComment, LineComment: n.LineComment, FootComment: n.FootComment}
}
