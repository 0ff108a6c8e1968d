package agenthook

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// managedTag marks the hook entries sentinel installed: a harmless
// variable assignment in front of the command, so that uninstall finds
// exactly its own entries and never a hook the user wrote.
const managedTag = "SENTINEL_HOOK_MANAGED=1 "

// userConfig describes where an agent keeps its user-level hooks and how
// sentinel's entry looks there.
type userConfig struct {
	path  string // relative to HOME
	event string // the hooks key
	entry func(cmd string) map[string]any
	// top are settings the file needs besides the hook entry.
	top map[string]any
}

func userConfigOf(agent string) (userConfig, error) {
	switch agent {
	case "claude":
		return userConfig{path: ".claude/settings.json", event: "PreToolUse", entry: func(cmd string) map[string]any {
			return claudeHooks(cmd)["PreToolUse"].([]any)[0].(map[string]any)
		}}, nil
	case "gemini":
		return userConfig{path: ".gemini/settings.json", event: "BeforeTool", entry: func(cmd string) map[string]any {
			return geminiHooks(cmd)["BeforeTool"].([]any)[0].(map[string]any)
		}}, nil
	case "cursor":
		// failClosed: a hook that crashes or times out blocks the command.
		return userConfig{path: ".cursor/hooks.json", event: "beforeShellExecution", entry: func(cmd string) map[string]any {
			return map[string]any{"command": cmd, "timeout": HookTimeoutSeconds, "failClosed": true}
		}, top: map[string]any{"version": 1}}, nil
	case "codex":
		// TOML, edited as text: install_codex.go.
		return userConfig{}, errors.New("codex: its config.toml is handled by installCodex")
	}
	return userConfig{}, fmt.Errorf("unknown agent %q (want %s)", agent, strings.Join(Agents, ", "))
}

// Status is whether sentinel's hook is installed for an agent.
type Status struct {
	Agent     string
	Path      string // the file that holds (or would hold) it
	Installed bool
	Command   string // the installed hook's command
	// Stale: the installed command names a sentinel that no longer exists.
	Stale bool
	// Untrusted (Codex): the hook's trust entry no longer matches it (its
	// command or its place among the PreToolUse groups changed), so Codex
	// skips it; install again.
	Untrusted bool
	Err       error // the file could not be read
}

// StatusOf reports the hook's state for agent under home.
func StatusOf(agent, home string) Status {
	if agent == "codex" {
		return statusCodex(home)
	}
	st := Status{Agent: agent}
	uc, err := userConfigOf(agent)
	if err != nil {
		st.Err = err
		return st
	}
	st.Path = filepath.Join(home, uc.path)
	doc, _, err := readJSONFile(st.Path)
	if err == nil {
		err = doc.checkHooks(st.Path, uc.event)
	}
	if err != nil {
		st.Err = err
		return st
	}
	for _, e := range doc.entries(uc.event) {
		if cmd, ok := managedCommand(e); ok {
			st.Installed, st.Command = true, cmd
			prog := strings.TrimPrefix(cmd, managedTag)
			if i := strings.LastIndex(prog, " hook "); i >= 0 {
				prog = strings.Trim(prog[:i], "'")
				if _, err := os.Stat(prog); err != nil {
					st.Stale = true
				}
			}
		}
	}
	return st
}

// Change is what Install or Uninstall did.
type Change struct {
	Path    string
	Changed bool   // false: already as wanted
	Backup  string // the copy of the file before the change, if it existed
}

// Install puts sentinel's hook (self hook AGENT) into the agent's user
// configuration under home. It is idempotent: an entry sentinel installed
// before is replaced, and nothing is written when it is already right.
func Install(agent, home, self string) (Change, error) {
	if agent == "codex" {
		return installCodex(home, self)
	}
	uc, path, doc, mode, err := loadUserConfig(agent, home)
	if err != nil {
		return Change{Path: path}, err
	}
	cmd := managedTag + HookCommand(self, agent)
	kept, had := doc.withoutManaged(uc.event)
	entry, _ := json.Marshal(uc.entry(cmd))
	if had == 1 {
		for _, e := range doc.entries(uc.event) {
			if _, ok := managedCommand(e); ok && sameJSON(e, entry) {
				return Change{Path: path}, nil
			}
		}
	}
	doc.setEntries(uc.event, append(kept, entry))
	for k, v := range uc.top {
		if _, ok := doc.get(k); !ok {
			b, _ := json.Marshal(v)
			doc.set(k, b)
		}
	}
	return writeWithBackup(path, doc, mode)
}

// loadUserConfig reads an agent's JSON user configuration under home and
// checks its hooks are shaped as the agent reads them.
func loadUserConfig(agent, home string) (uc userConfig, path string, doc *jsonDoc, mode os.FileMode, err error) {
	if uc, err = userConfigOf(agent); err != nil {
		return uc, "", nil, 0, err
	}
	path = filepath.Join(home, uc.path)
	if doc, mode, err = readJSONFile(path); err == nil {
		err = doc.checkHooks(path, uc.event)
	}
	return uc, path, doc, mode, err
}

// Uninstall removes the entries sentinel installed, and nothing else.
func Uninstall(agent, home string) (Change, error) {
	if agent == "codex" {
		return uninstallCodex(home)
	}
	uc, path, doc, mode, err := loadUserConfig(agent, home)
	if err != nil {
		return Change{Path: path}, err
	}
	kept, had := doc.withoutManaged(uc.event)
	if had == 0 {
		return Change{Path: path}, nil
	}
	doc.setEntries(uc.event, kept)
	return writeWithBackup(path, doc, mode)
}

func sameJSON(a, b json.RawMessage) bool {
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return false
	}
	ja, _ := json.Marshal(x)
	jb, _ := json.Marshal(y)
	return bytes.Equal(ja, jb)
}

// managedCommand finds the command of a sentinel-installed entry: either
// the entry itself (Cursor) or one of its hooks (Claude, Gemini).
func managedCommand(entry json.RawMessage) (string, bool) {
	var e struct {
		Command string `json:"command"`
		Hooks   []struct {
			Command string `json:"command"`
		} `json:"hooks"`
	}
	if json.Unmarshal(entry, &e) != nil {
		return "", false
	}
	if strings.HasPrefix(e.Command, managedTag) {
		return e.Command, true
	}
	for _, h := range e.Hooks {
		if strings.HasPrefix(h.Command, managedTag) {
			return h.Command, true
		}
	}
	return "", false
}

func writeWithBackup(path string, doc *jsonDoc, mode os.FileMode) (Change, error) {
	out, err := doc.encode()
	if err != nil {
		return Change{Path: path, Changed: true}, err
	}
	return writeFileWithBackup(path, out, mode)
}

// jsonDoc is a JSON object read with its keys in order, so that a file
// sentinel edits keeps the user's layout of everything it does not touch.
type jsonDoc struct {
	keys []string
	vals map[string]json.RawMessage
}

func readJSONFile(path string) (*jsonDoc, os.FileMode, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return &jsonDoc{vals: map[string]json.RawMessage{}}, 0o600, nil
	}
	if err != nil {
		return nil, 0, err
	}
	mode := os.FileMode(0o600)
	if st, err := os.Stat(path); err == nil {
		mode = st.Mode().Perm()
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return &jsonDoc{vals: map[string]json.RawMessage{}}, mode, nil
	}
	doc, err := parseObject(stripJSONComments(data))
	if err != nil {
		return nil, 0, fmt.Errorf("%s: %s", path, jsonError(data, err))
	}
	return doc, mode, nil
}

func parseObject(data []byte) (*jsonDoc, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	t, err := dec.Token()
	if err != nil {
		return nil, err
	}
	if d, ok := t.(json.Delim); !ok || d != '{' {
		return nil, errors.New("not a JSON object")
	}
	doc := &jsonDoc{vals: map[string]json.RawMessage{}}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return nil, err
		}
		k := t.(string)
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, err
		}
		doc.set(k, v)
	}
	if _, err := dec.Token(); err != nil {
		return nil, err
	}
	return doc, nil
}

func (d *jsonDoc) get(k string) (json.RawMessage, bool) {
	v, ok := d.vals[k]
	return v, ok
}

func (d *jsonDoc) set(k string, v json.RawMessage) {
	if _, ok := d.vals[k]; !ok {
		d.keys = append(d.keys, k)
	}
	d.vals[k] = v
}

func (d *jsonDoc) del(k string) {
	if _, ok := d.vals[k]; !ok {
		return
	}
	delete(d.vals, k)
	for i, key := range d.keys {
		if key == k {
			d.keys = append(d.keys[:i], d.keys[i+1:]...)
			break
		}
	}
}

// checkHooks refuses a file whose hooks are not shaped as the agent
// reads them: sentinel will not guess what such a file means, nor
// overwrite what the user put there.
func (d *jsonDoc) checkHooks(path, event string) error {
	v, ok := d.get("hooks")
	if !ok {
		return nil
	}
	h, err := parseObject(v)
	if err != nil {
		return fmt.Errorf("%s: \"hooks\" is not an object", path)
	}
	if ev, ok := h.get(event); ok {
		var list []json.RawMessage
		if json.Unmarshal(ev, &list) != nil {
			return fmt.Errorf("%s: \"hooks.%s\" is not a list", path, event)
		}
	}
	return nil
}

func (d *jsonDoc) hooks() *jsonDoc {
	if v, ok := d.get("hooks"); ok {
		if h, err := parseObject(v); err == nil {
			return h
		}
	}
	return &jsonDoc{vals: map[string]json.RawMessage{}}
}

// entries is hooks[event] as a list of raw entries.
func (d *jsonDoc) entries(event string) []json.RawMessage {
	var list []json.RawMessage
	if v, ok := d.hooks().get(event); ok {
		_ = json.Unmarshal(v, &list)
	}
	return list
}

// withoutManaged is hooks[event] without sentinel's entries, and how many
// there were.
func (d *jsonDoc) withoutManaged(event string) ([]json.RawMessage, int) {
	var kept []json.RawMessage
	n := 0
	for _, e := range d.entries(event) {
		if _, ok := managedCommand(e); ok {
			n++
			continue
		}
		kept = append(kept, e)
	}
	return kept, n
}

func (d *jsonDoc) setEntries(event string, list []json.RawMessage) {
	h := d.hooks()
	if len(list) == 0 {
		h.del(event)
	} else {
		b, _ := json.Marshal(list)
		h.set(event, b)
	}
	if len(h.keys) == 0 {
		d.del("hooks")
		return
	}
	b, _ := h.encode()
	d.set("hooks", b)
}

// encode writes the object indented, keys in their original order.
func (d *jsonDoc) encode() ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteString("{")
	for i, k := range d.keys {
		if i > 0 {
			buf.WriteString(",")
		}
		kb, _ := json.Marshal(k)
		buf.Write(kb)
		buf.WriteString(":")
		buf.Write(d.vals[k])
	}
	buf.WriteString("}")
	var out bytes.Buffer
	if err := json.Indent(&out, buf.Bytes(), "", "  "); err != nil {
		return nil, err
	}
	out.WriteByte('\n')
	return out.Bytes(), nil
}
