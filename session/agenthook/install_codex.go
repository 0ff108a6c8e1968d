package agenthook

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/pelletier/go-toml/v2"
	"github.com/pelletier/go-toml/v2/unstable"
)

// Codex keeps its user configuration in $CODEX_HOME/config.toml, a file
// the user edits by hand and Codex itself edits (`codex features enable`,
// `codex mcp add`, hook trust from its interface) keeping comments and
// layout. Sentinel does not re-encode it: it appends one block between
// marker lines and removes exactly that block again.
//
// Codex (0.169) runs a hook from a config file only when
// [hooks.state."KEY"] holds trusted_hash = the hook's hash, where KEY is
// "<file>:pre_tool_use:<group>:<handler>": <file> is the absolute path of
// config.toml (with symlinks resolved in $CODEX_HOME, literal in
// $HOME/.codex when CODEX_HOME is unset), <group> the index of the
// [[hooks.PreToolUse]] group in the file's order (counting every group,
// even empty ones or ones whose hooks Codex skips), <handler> the index of
// the hook in the group. Sentinel's group has one hook, so its key ends in
// ":0".

const (
	codexBlockBegin = "# >>> sentinel hook (managed by 'sentinel hooks'; remove with 'sentinel hooks uninstall --agent codex')"
	codexBlockEnd   = "# <<< sentinel hook"
)

// codexBlockBody is sentinel's block without its end marker: a
// PreToolUse group with one command hook on Bash, and the state that
// trusts and enables it. There is no [features] table: hooks are on by
// default (Codex 0.169 lists "hooks stable true"), and a [features] table
// in the block would break the file when the user later adds their own,
// and would collect what `codex features enable` writes.
func codexBlockBody(command, key, hash string) string {
	return codexBlockBegin + "\n" +
		"[[hooks.PreToolUse]]\n" +
		"matcher = \"Bash\"\n" +
		"\n" +
		"[[hooks.PreToolUse.hooks]]\n" +
		"type = \"command\"\n" +
		"command = " + tomlString(command) + "\n" +
		fmt.Sprintf("timeout = %d\n", HookTimeoutSeconds) +
		"\n" +
		"[hooks.state." + tomlString(key) + "]\n" +
		"trusted_hash = " + tomlString(hash) + "\n" +
		"enabled = true\n"
}

// codexHookKey is the trust key Codex gives the first hook of the
// PreToolUse group at index group in the config file path.
func codexHookKey(path string, group int) string {
	return fmt.Sprintf("%s:pre_tool_use:%d:0", path, group)
}

// codexConfigPath is Codex's user configuration file, named as Codex
// names it in trust keys.
func codexConfigPath(home string) (string, error) {
	ch := os.Getenv("CODEX_HOME")
	if ch == "" {
		return filepath.Join(home, ".codex", "config.toml"), nil
	}
	abs, err := filepath.Abs(ch)
	if err != nil {
		return "", fmt.Errorf("CODEX_HOME=%s: %v", ch, err)
	}
	dir, err := filepath.EvalSymlinks(abs)
	if err != nil {
		return filepath.Join(abs, "config.toml"), fmt.Errorf("CODEX_HOME=%s: %v (Codex needs that directory to exist)", ch, err)
	}
	return filepath.Join(dir, "config.toml"), nil
}

// codexFile is config.toml as read, with sentinel's block if it has one.
type codexFile struct {
	path  string
	data  []byte
	mode  os.FileMode
	block *codexBlock
}

// codexBlock is where sentinel's block is in the file and what it says.
type codexBlock struct {
	begin              int // offset of the begin marker line
	oursEnd            int // end of sentinel's own lines
	endBegin           int // offset of the end marker line
	end                int // end of the end marker line
	line               int // line number of the begin marker
	command, key, hash string
}

func readCodexFile(home string) (*codexFile, error) {
	path, err := codexConfigPath(home)
	f := &codexFile{path: path, mode: 0o600}
	if err != nil {
		return f, err
	}
	f.data, err = os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return f, nil
	}
	if err != nil {
		return f, err
	}
	if st, err := os.Stat(path); err == nil {
		f.mode = st.Mode().Perm()
	}
	f.block, err = findCodexBlock(path, f.data)
	return f, err
}

// findCodexBlock finds sentinel's block and checks that its own lines are
// exactly as sentinel writes them. Codex adds new tables at the end of
// the file, which is inside the block, before its end marker: those are
// kept as the user's. Anything else changed inside the block is refused
// rather than guessed at.
func findCodexBlock(path string, data []byte) (*codexBlock, error) {
	var begins, ends []int // line indexes
	var starts []int       // line start offsets, plus len(data)
	for off, i := 0, 0; off < len(data); i++ {
		starts = append(starts, off)
		nl := bytes.IndexByte(data[off:], '\n')
		next := len(data)
		if nl >= 0 {
			next = off + nl + 1
		}
		switch strings.TrimRight(string(data[off:next]), " \t\r\n") {
		case codexBlockBegin:
			begins = append(begins, i)
		case codexBlockEnd:
			ends = append(ends, i)
		}
		off = next
	}
	starts = append(starts, len(data))
	if len(begins) == 0 && len(ends) == 0 {
		return nil, nil
	}
	if len(begins) != 1 || len(ends) != 1 || ends[0] < begins[0] {
		return nil, fmt.Errorf("%s: sentinel's marker lines (%q … %q) are not one pair (begin at lines %s, end at lines %s); fix the file by hand",
			path, "# >>> sentinel hook", codexBlockEnd, lineList(begins), lineList(ends))
	}
	b := &codexBlock{begin: starts[begins[0]], endBegin: starts[ends[0]], end: starts[ends[0]+1], line: begins[0] + 1}
	changed := fmt.Errorf("%s:%d: sentinel's block (lines %d-%d) is not as sentinel wrote it; remove it by hand (or restore it from a %s.sentinel-backup-* file) and run the command again",
		path, b.line, begins[0]+1, ends[0]+1, filepath.Base(path))
	// Sentinel's own lines are the first n lines of the block.
	n := strings.Count(codexBlockBody("", "", ""), "\n")
	if begins[0]+n > ends[0] {
		return nil, changed
	}
	b.oursEnd = starts[begins[0]+n]
	var v struct {
		Hooks struct {
			PreToolUse []struct {
				Hooks []struct{ Command string }
			}
			State map[string]struct {
				TrustedHash string `toml:"trusted_hash"`
			}
		}
	}
	if toml.Unmarshal(data[b.begin:b.oursEnd], &v) != nil || len(v.Hooks.PreToolUse) != 1 ||
		len(v.Hooks.PreToolUse[0].Hooks) != 1 || len(v.Hooks.State) != 1 {
		return nil, changed
	}
	b.command = v.Hooks.PreToolUse[0].Hooks[0].Command
	for k, s := range v.Hooks.State {
		b.key, b.hash = k, s.TrustedHash
	}
	if codexBlockBody(b.command, b.key, b.hash) != string(data[b.begin:b.oursEnd]) || !strings.HasPrefix(b.command, managedTag) {
		return nil, changed
	}
	// What follows sentinel's lines inside the block must start a table
	// of its own: a key there would belong to sentinel's last table.
	if kind, _ := firstTOMLExpression(data[b.oursEnd:b.endBegin]); kind == unstable.KeyValue {
		return nil, changed
	}
	return b, nil
}

func lineList(idx []int) string {
	if len(idx) == 0 {
		return "none"
	}
	s := make([]string, len(idx))
	for i, x := range idx {
		s[i] = fmt.Sprint(x + 1)
	}
	return strings.Join(s, ", ")
}

func firstTOMLExpression(data []byte) (unstable.Kind, error) {
	var p unstable.Parser
	p.Reset(data)
	if p.NextExpression() {
		return p.Expression().Kind, nil
	}
	return unstable.Invalid, p.Error()
}

// withoutBlock is the file with sentinel's lines and markers removed and
// everything else, including tables Codex added inside the block, kept.
func (f *codexFile) withoutBlock() []byte {
	if f.block == nil {
		return f.data
	}
	b := f.block
	out := append([]byte{}, f.data[:b.begin]...)
	out = append(out, f.data[b.oursEnd:b.endBegin]...)
	return append(out, f.data[b.end:]...)
}

// codexShape is what sentinel needs to know about the user's config.
type codexShape struct {
	groups []int // offsets of the [[hooks.PreToolUse]] headers
	state  map[string]bool
}

// checkCodexTOML parses the user's config (without sentinel's block) and
// refuses the shapes sentinel cannot append its block to, and a file that
// turns hooks off.
func checkCodexTOML(path string, data []byte) (codexShape, error) {
	sh := codexShape{state: map[string]bool{}}
	var doc struct {
		Features map[string]any
		Hooks    map[string]any
	}
	if err := toml.Unmarshal(data, &doc); err != nil {
		var de *toml.DecodeError
		if errors.As(err, &de) {
			row, _ := de.Position()
			return sh, fmt.Errorf("%s:%d: %v", path, row, de.Error())
		}
		return sh, fmt.Errorf("%s: %v", path, err)
	}
	var p unstable.Parser
	p.Reset(data)
	var table []string
	featuresLine := 0 // where features.hooks is set, for its errors
	for p.NextExpression() {
		e := p.Expression()
		if e.Kind != unstable.KeyValue && e.Kind != unstable.Table && e.Kind != unstable.ArrayTable {
			continue
		}
		var key []string
		var first *unstable.Node
		for it := e.Key(); it.Next(); {
			if first == nil {
				first = it.Node()
			}
			key = append(key, string(it.Node().Data))
		}
		line := p.Shape(first.Raw).Start.Line
		full := key
		if e.Kind == unstable.KeyValue {
			full = append(append([]string{}, table...), key...)
		} else {
			table = key
		}
		name := strings.Join(full, ".")
		if e.Kind == unstable.KeyValue && name == "features.hooks" {
			featuresLine = line
		}
		switch {
		case e.Kind == unstable.ArrayTable && name == "hooks.PreToolUse":
			sh.groups = append(sh.groups, int(first.Raw.Offset))
		case e.Kind == unstable.KeyValue && (name == "hooks" || name == "hooks.PreToolUse" || name == "hooks.state"):
			return sh, fmt.Errorf("%s:%d: %s is written inline (%s = …); sentinel can only add its hook to a file that uses [[hooks.PreToolUse]] and [hooks.state.…] tables: rewrite it as tables, or add the hook by hand",
				path, line, name, strings.Join(key, "."))
		case e.Kind == unstable.ArrayTable && (name == "hooks" || name == "hooks.state"):
			return sh, fmt.Errorf("%s:%d: [[%s]] is an array of tables; Codex wants a table", path, line, name)
		case e.Kind == unstable.Table && name == "hooks.PreToolUse":
			return sh, fmt.Errorf("%s:%d: [hooks.PreToolUse] is a table; Codex wants a list of groups ([[hooks.PreToolUse]])", path, line)
		}
		if len(full) >= 3 && full[0] == "hooks" && full[1] == "state" {
			sh.state[full[2]] = true
		}
	}
	if err := p.Error(); err != nil {
		return sh, fmt.Errorf("%s: %v", path, err)
	}
	if v, ok := doc.Features["hooks"]; ok {
		on, isBool := v.(bool)
		if !isBool {
			return sh, fmt.Errorf("%s:%d: features.hooks must be true or false, not %#v", path, featuresLine, v)
		}
		if !on {
			// Switching it on would also start the user's own trusted
			// hooks, which they turned off: that is theirs to decide.
			return sh, fmt.Errorf("%s:%d: [features] hooks = false turns off every Codex hook, sentinel's too; set it to true or remove it, then run the command again", path, featuresLine)
		}
	}
	if v, ok := doc.Hooks["PreToolUse"]; ok {
		if _, isList := v.([]any); !isList {
			return sh, fmt.Errorf("%s: hooks.PreToolUse is not a list of groups", path)
		}
	}
	return sh, nil
}

// groupsBefore is the index Codex gives a PreToolUse group starting at off.
func (sh codexShape) groupsBefore(off int) int {
	n := 0
	for _, g := range sh.groups {
		if g < off {
			n++
		}
	}
	return n
}

func statusCodex(home string) Status {
	st := Status{Agent: "codex"}
	f, err := readCodexFile(home)
	st.Path = f.path
	if err != nil {
		st.Err = err
		return st
	}
	if f.block == nil {
		return st
	}
	b := f.block
	st.Installed, st.Command = true, b.command
	st.Stale = staleHookCommand(b.command)
	sh, err := checkCodexTOML(f.path, f.withoutBlock())
	if err != nil {
		st.Err = err
		return st
	}
	key := codexHookKey(f.path, sh.groupsBefore(b.begin))
	st.Untrusted = b.key != key || b.hash != CodexHookTrustHash("pre_tool_use", "Bash", b.command, HookTimeoutSeconds)
	return st
}

// staleHookCommand says the sentinel a managed hook command names no
// longer exists.
func staleHookCommand(cmd string) bool {
	prog := strings.TrimPrefix(cmd, managedTag)
	if i := strings.LastIndex(prog, " hook "); i >= 0 {
		prog = strings.Trim(prog[:i], "'")
		if _, err := os.Stat(prog); err != nil {
			return true
		}
	}
	return false
}

func installCodex(home, self string) (Change, error) {
	f, err := readCodexFile(home)
	if err != nil {
		return Change{Path: f.path}, err
	}
	user := f.withoutBlock()
	sh, err := checkCodexTOML(f.path, user)
	if err != nil {
		return Change{Path: f.path}, err
	}
	// The block goes where it was, or at the end.
	pos := len(user)
	if f.block != nil {
		pos = f.block.begin
	} else if pos > 0 && user[pos-1] != '\n' {
		user = append(user, '\n')
		pos++
	}
	group := sh.groupsBefore(pos)
	key := codexHookKey(f.path, group)
	if sh.state[key] {
		return Change{Path: f.path}, fmt.Errorf("%s: already has [hooks.state.%s] (Codex's trust for a hook that was at that place), where sentinel's hook goes; remove that table and run the command again",
			f.path, tomlString(key))
	}
	cmd := managedTag + HookCommand(self, "codex")
	hash := CodexHookTrustHash("pre_tool_use", "Bash", cmd, HookTimeoutSeconds)
	var out []byte
	out = append(out, user[:pos]...)
	out = append(out, codexBlockBody(cmd, key, hash)...)
	out = append(out, codexBlockEnd+"\n"...)
	out = append(out, user[pos:]...)
	if bytes.Equal(out, f.data) {
		return Change{Path: f.path}, nil
	}
	if err := checkCodexResult(f.path, out, group, cmd, key, hash); err != nil {
		return Change{Path: f.path}, err
	}
	return writeFileWithBackup(f.path, out, f.mode)
}

// checkCodexResult parses the file about to be written and checks that
// Codex will read sentinel's hook where its trust key says it is.
func checkCodexResult(path string, out []byte, group int, cmd, key, hash string) error {
	var v struct {
		Hooks struct {
			PreToolUse []struct {
				Matcher string
				Hooks   []struct{ Command string }
			}
			State map[string]struct {
				TrustedHash string `toml:"trusted_hash"`
				Enabled     bool
			}
		}
	}
	if err := toml.Unmarshal(out, &v); err != nil {
		return fmt.Errorf("%s: with sentinel's hook added the file would not be valid TOML (%v); nothing was changed", path, err)
	}
	g := v.Hooks.PreToolUse
	if group >= len(g) || g[group].Matcher != "Bash" || len(g[group].Hooks) != 1 || g[group].Hooks[0].Command != cmd ||
		v.Hooks.State[key].TrustedHash != hash || !v.Hooks.State[key].Enabled {
		return fmt.Errorf("%s: with sentinel's block added Codex would not read the hook as group %d; nothing was changed", path, group)
	}
	return nil
}

func uninstallCodex(home string) (Change, error) {
	f, err := readCodexFile(home)
	if err != nil || f.block == nil {
		return Change{Path: f.path}, err
	}
	out := f.withoutBlock()
	if err := toml.Unmarshal(out, new(map[string]any)); err != nil {
		return Change{Path: f.path}, fmt.Errorf("%s: without sentinel's block the file would not be valid TOML (%v); nothing was changed", f.path, err)
	}
	return writeFileWithBackup(f.path, out, f.mode)
}

// writeFileWithBackup copies path to path.sentinel-backup-TIME, then
// replaces it with data atomically. A symlinked file (dotfiles managers)
// stays a symlink: its target is what is written.
func writeFileWithBackup(path string, data []byte, mode os.FileMode) (Change, error) {
	ch := Change{Path: path, Changed: true}
	target := path
	if t, err := filepath.EvalSymlinks(path); err == nil {
		target = t
	}
	if old, err := os.ReadFile(target); err == nil {
		ch.Backup = path + ".sentinel-backup-" + time.Now().UTC().Format("20060102T150405.000000000Z")
		if err := os.WriteFile(ch.Backup, old, 0o600); err != nil {
			return ch, fmt.Errorf("backup of %s: %w", path, err)
		}
	} else if !errors.Is(err, os.ErrNotExist) {
		return ch, err
	}
	if err := os.MkdirAll(filepath.Dir(target), 0o700); err != nil {
		return ch, err
	}
	tmp, err := os.CreateTemp(filepath.Dir(target), "."+filepath.Base(target)+".*")
	if err != nil {
		return ch, err
	}
	defer os.Remove(tmp.Name())
	_, err = tmp.Write(data)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return ch, err
	}
	if err := os.Chmod(tmp.Name(), mode); err != nil {
		return ch, err
	}
	return ch, os.Rename(tmp.Name(), target)
}
