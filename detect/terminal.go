package detect

import (
	"path"
	"strings"
)

// The terminal analyser: commands that type into, or run programs through,
// a terminal the operator may be using. The operator often runs sentinel
// inside tmux (or screen, zellij, kitty, wezterm); the agent runs as the
// same user and inherits $TMUX, $STY, $ZELLIJ_SESSION_NAME and the
// terminal's remote-control socket, so it can reach the server that draws
// sentinel's own console. Two things follow:
//
//   - keys it sends there (tmux send-keys, screen -X stuff, kitty @
//     send-text, xdotool type) reach sentinel's dialog: the agent approves
//     its own held action (seen: tmux run-shell -b 'sleep 3; tmux send-keys
//     -t %0 a'; git push --force, where the push was held and then approved
//     by the server three seconds later);
//   - programs it starts there (tmux run-shell, new-window, a #() format)
//     are children of the multiplexer's server, not of the agent: sentinel
//     neither sees their execs nor freezes them with the agent's tree.
//
// Read-only use (tmux ls, capture-pane, display -p, screen -ls) is fine.

func init() {
	register(
		Rule{ID: "terminal.send-keys", Category: "terminal", Severity: Critical, Verdict: Pause,
			Description: "Types into a pane of a terminal multiplexer or terminal emulator the operator may be using (tmux send-keys, paste-buffer, attach; screen -X stuff; kitty @ send-text; wezterm cli send-text; zellij action write): from there a program can answer sentinel's own dialog, approving the agent's actions.",
			Examples: []string{"tmux send-keys -t %0 a", "tmux send -t sentinel a Enter", "tmux send-k a", "screen -S main -X stuff 'a'",
				"kitty @ send-text --match title:sentinel a", "kitten @ send-key a", "wezterm cli send-text --pane-id 0 a", "zellij action write-chars a"}},
		Rule{ID: "terminal.run-outside", Category: "terminal", Severity: High, Verdict: Pause,
			Description: "Runs a command in a terminal multiplexer's server or a terminal emulator (tmux run-shell, if-shell, new-window, split-window, a #() format; screen -X exec; kitty @ launch; wezterm cli spawn; zellij run): it runs outside the agent's process tree, where sentinel cannot see or freeze it.",
			Examples: []string{"tmux run-shell -b 'sleep 3; tmux send-keys -t %0 a'", "tmux new-window 'make deploy'", "tmux display -p '#(id)'",
				"tmux splitw -d", "screen -X exec sh -c id", "kitty @ launch --type=background sh", "wezterm cli spawn -- bash", "zellij run -- bash"}},
		Rule{ID: "terminal.control", Category: "terminal", Severity: High, Verdict: Pause,
			Description: "Changes what a terminal multiplexer the operator may be using does later, or hands it commands sentinel cannot read (tmux options, key bindings, hooks, environment, prompts, menus, source-file, control mode, commands sentinel does not know; screen bindings and registers; kitty @ action; wezterm cli proxy): any of these can later type into a pane or run a program outside the agent's process tree.",
			Examples: []string{"tmux set -g default-command 'sh /tmp/x'", "tmux bind-key -n F1 send-keys a", "tmux source-file /tmp/x.conf",
				"tmux -C attach", "tmux set-hook -g client-attached 'send-keys a'", "screen -X bindkey a stuff a", "kitty @ action send_text all a"}},
		Rule{ID: "terminal.synthetic-input", Category: "terminal", Severity: Critical, Verdict: Pause,
			Description: "Synthesises keyboard or mouse input for the desktop (xdotool type/key/click, ydotool, wtype, xte, dotool): it reaches whichever window has focus, sentinel's console included, and can answer its dialog.",
			Examples:    []string{"xdotool type a", "xdotool search --name sentinel windowactivate --sync key a", "ydotool type a", "wtype a"}},
		Rule{ID: "terminal.write-tty", Category: "terminal", Severity: High, Verdict: Pause,
			Description: "Writes to another terminal device (/dev/pts/N, /dev/ttyN), which may be the operator's: escape sequences written there can redraw sentinel's console, hiding or faking its dialog, and some make the terminal type its replies into it.",
			Examples:    []string{"echo a > /dev/pts/0", "printf 'x' | tee /dev/pts/3", "exec 3>/dev/pts/1"}},
	)
	handle(analyseTmux, "tmux", "tmate", "byobu", "byobu-tmux")
	handle(analyseScreen, "screen", "byobu-screen")
	handle(analyseKitty, "kitty", "kitten")
	handle(analyseWezterm, "wezterm")
	handle(analyseZellij, "zellij")
	handle(analyseSyntheticInput, "xdotool", "ydotool", "wtype", "xte", "dotool", "dotoolc", "xvkbd")
	handle(analyseTTYWriter, "tee", "dd", "cp")
}

// ---------------------------------------------------------------------
// tmux.

// tmuxCommands is tmux's command table (tmux 3.3a list-commands, sorted
// by name) with each command's alias and the options that take a value
// (from its usage line), which tell its positional arguments apart.
var tmuxCommands = []struct{ name, alias, withValue string }{
	{"attach-session", "attach", "cft"}, {"bind-key", "bind", "TN"}, {"break-pane", "breakp", "Fnst"},
	{"capture-pane", "capturep", "bESt"}, {"choose-buffer", "", "FfKOt"}, {"choose-client", "", "FfKOt"},
	{"choose-tree", "", "FfKOt"}, {"clear-history", "clearhist", "t"}, {"clear-prompt-history", "clearphist", "T"},
	{"clock-mode", "", "t"}, {"command-prompt", "", "IptT"}, {"confirm-before", "confirm", "cpt"},
	{"copy-mode", "", "st"}, {"customize-mode", "", "Fft"}, {"delete-buffer", "deleteb", "b"},
	{"detach-client", "detach", "Est"}, {"display-menu", "menu", "bcHsStTxy"}, {"display-message", "display", "cdFt"},
	{"display-panes", "displayp", "dt"}, {"display-popup", "popup", "bcdehsStTwxy"}, {"find-window", "findw", "t"},
	{"has-session", "has", "t"}, {"if-shell", "if", "t"}, {"join-pane", "joinp", "lst"},
	{"kill-pane", "killp", "t"}, {"kill-server", "", ""}, {"kill-session", "", "t"},
	{"kill-window", "killw", "t"}, {"last-pane", "lastp", "t"}, {"last-window", "last", "t"},
	{"link-window", "linkw", "st"}, {"list-buffers", "lsb", "Ff"}, {"list-clients", "lsc", "Fft"},
	{"list-commands", "lscm", "F"}, {"list-keys", "lsk", "PT"}, {"list-panes", "lsp", "Fft"},
	{"list-sessions", "ls", "Ff"}, {"list-windows", "lsw", "Fft"}, {"load-buffer", "loadb", "bt"},
	{"lock-client", "lockc", "t"}, {"lock-server", "lock", ""}, {"lock-session", "locks", "t"},
	{"move-pane", "movep", "lst"}, {"move-window", "movew", "st"}, {"new-session", "new", "cefFnstxy"},
	{"new-window", "neww", "ceFnt"}, {"next-layout", "nextl", "t"}, {"next-window", "next", "t"},
	{"paste-buffer", "pasteb", "bst"}, {"pipe-pane", "pipep", "t"}, {"previous-layout", "prevl", "t"},
	{"previous-window", "prev", "t"}, {"refresh-client", "refresh", "ABcCflt"}, {"rename-session", "rename", "t"},
	{"rename-window", "renamew", "t"}, {"resize-pane", "resizep", "txy"}, {"resize-window", "resizew", "txy"},
	{"respawn-pane", "respawnp", "cet"}, {"respawn-window", "respawnw", "cet"}, {"rotate-window", "rotatew", "t"},
	{"run-shell", "run", "dt"}, {"save-buffer", "saveb", "b"}, {"select-layout", "selectl", "t"},
	{"select-pane", "selectp", "Tt"}, {"select-window", "selectw", "t"}, {"send-keys", "send", "Nt"},
	{"send-prefix", "", "t"}, {"server-access", "", "t"}, {"set-buffer", "setb", "bnt"},
	{"set-environment", "setenv", "t"}, {"set-hook", "", "t"}, {"set-option", "set", "t"},
	{"set-window-option", "setw", "t"}, {"show-buffer", "showb", "b"}, {"show-environment", "showenv", "t"},
	{"show-hooks", "", "t"}, {"show-messages", "showmsgs", "t"}, {"show-options", "show", "t"},
	{"show-prompt-history", "showphist", "T"}, {"show-window-options", "showw", "t"}, {"source-file", "source", "t"},
	{"split-window", "splitw", "ceFlpt"}, {"start-server", "start", ""}, {"suspend-client", "suspendc", "t"},
	{"swap-pane", "swapp", "st"}, {"swap-window", "swapw", "st"}, {"switch-client", "switchc", "cOtT"},
	{"unbind-key", "unbind", "T"}, {"unlink-window", "unlinkw", "t"}, {"wait-for", "wait", ""},
}

// What a tmux command can do in the server it talks to. Anything not
// listed only reads, navigates or rearranges (ls, capture-pane, display,
// select-pane, kill-pane, ...) and is allowed; a #() format in any of them
// is judged on its own.
var (
	// tmuxTypes type into a pane, or attach a client whose keyboard is the
	// agent's (under script(1), say).
	tmuxTypes = setOf("send-keys", "send-prefix", "paste-buffer", "attach-session")
	// tmuxRuns start a program (or a tmux command list) in the server.
	tmuxRuns = setOf("run-shell", "if-shell", "new-session", "new-window", "split-window", "respawn-pane",
		"respawn-window", "pipe-pane", "display-popup")
	// tmuxControls change what the server does later, or run tmux
	// commands sentinel cannot read. All options are included, not only
	// default-command and default-shell: hooks are options, command-alias
	// redefines every later command (ls included), copy-command,
	// lock-command and editor run programs, any format may hold #(), and
	// the list grows with each tmux release. An agent rarely needs to
	// reconfigure the operator's tmux.
	tmuxControls = setOf("source-file", "bind-key", "set-hook", "set-option", "set-window-option", "set-environment",
		"command-prompt", "confirm-before", "display-menu", "server-access")
	// tmuxTemplates run their template (a tmux command) when the operator
	// picks an entry; without one they only navigate.
	tmuxTemplates = setOf("choose-buffer", "choose-client", "choose-tree", "display-panes")
)

// tmuxResolve finds the commands a name can mean, as tmux's cmd_parse
// does: an alias or a full name is exact, otherwise any unique prefix of a
// name is accepted (tmux send-k is send-keys). More than one result is
// ambiguous (tmux refuses it); none is a command sentinel does not know.
func tmuxResolve(name string) []int {
	var prefixed []int
	for i, c := range tmuxCommands {
		if c.alias == name || c.name == name {
			return []int{i}
		}
		if strings.HasPrefix(c.name, name) {
			prefixed = append(prefixed, i)
		}
	}
	return prefixed
}

// tmuxDangerous reports whether a tmux command can type, run or change
// the server. Template commands count: for an ambiguous prefix there are
// no arguments of a known command to look for the template in.
func tmuxDangerous(name string) bool {
	return tmuxTypes[name] || tmuxRuns[name] || tmuxControls[name] || tmuxTemplates[name]
}

// tmuxWord is one word of a tmux command: an argument of the invocation,
// or a word of a tmux command string inside one (if-shell's commands, a
// key binding). org maps offsets in its value back to the command.
type tmuxWord struct {
	Arg
	org   origin
	block bool // a { ... } block: its value is a command list
}

// tmuxRun is one tmux invocation being analysed.
type tmuxRun struct {
	inv    *Invocation
	where  string // the server, for reasons
	server string // the server as given (-L NAME, -S PATH), "" for the default
}

// target is what a finding about this server names as its target: an
// approval of "send-keys on -L agent" must not cover the same command on
// the operator's server.
func (t *tmuxRun) target(x string) string {
	if t.server == "" {
		return x
	}
	return x + " on " + t.server
}

const tmuxMaxNesting = 4

func analyseTmux(inv *Invocation) {
	t := &tmuxRun{inv: inv,
		where: "the tmux server in $TMUX or the default one, which may be the operator's"}
	args := inv.Args
	var socket *Arg
	socketFlag := ""
	control, noDaemon, shellCmd := false, false, false
	i := 0
options:
	for ; i < len(args); i++ {
		a := args[i]
		v := a.Value
		if v == "--" {
			i++
			break
		}
		if len(v) < 2 || v[0] != '-' || !a.Known() {
			break
		}
		// getopt("2c:CDdf:lL:NqS:T:uUvV"): flags cluster, a value is the
		// rest of the word or the next word.
		for j := 1; j < len(v); j++ {
			switch c := v[j]; c {
			case 'c', 'f', 'L', 'S', 'T':
				val := a
				val.Value = v[j+1:]
				if val.Value == "" {
					if i+1 >= len(args) {
						break options
					}
					i++
					val = args[i]
				}
				switch c {
				case 'c':
					// tmux -c runs a shell command in this client, the
					// agent's own process: like sh -c.
					shellCmd = true
					inv.w.shellString(inv, val)
				case 'L', 'S':
					socket, socketFlag = &val, "-"+string(c)
				}
				continue options
			case 'C':
				control = true
			case 'D':
				noDaemon = true
			case 'V':
				return // prints the version
			}
		}
	}
	if socket != nil {
		t.where = tmuxServer(socketFlag, *socket)
		t.server = socketFlag + " " + socket.Raw
	}
	words := make([]tmuxWord, 0, len(args)-i)
	for _, a := range args[i:] {
		words = append(words, tmuxWord{Arg: a, org: originOf(a)})
	}
	if control {
		inv.Flag("terminal.control", t.target("tmux"), "tmux -C starts a control-mode client of "+t.where+": every line it reads is a tmux command (send-keys, run-shell, ...) that sentinel does not see", inv.NameSpan)
	}
	if len(words) == 0 {
		if !shellCmd && !noDaemon {
			// No command is new-session.
			inv.Flag("terminal.run-outside", t.target("tmux"), "tmux with no command starts a new session in "+t.where+": its shell runs outside the agent's process tree, where sentinel cannot see or freeze it", inv.NameSpan)
		}
		return
	}
	for _, cmd := range tmuxSplitArgs(words) {
		t.command(cmd, 0)
	}
}

// tmuxServer describes an explicit -L NAME or -S PATH for reasons. Every
// server counts as one that may be the operator's: a server the agent started on
// its own socket would be its own child, supervised like anything else,
// but sentinel cannot tell one from the operator's server. A guessed -L
// name, a path found by listing /tmp/tmux-UID, or a symbolic link to the
// operator's socket all look like "the agent's own" (trusting them was
// tried and let the agent type "a" into sentinel's dialog with
// "tmux -S PATH run-shell"). An agent that drives its own tmux asks once;
// A approves the rule for the session.
func tmuxServer(flag string, a Arg) string {
	v := a.Value
	switch {
	case !a.Known():
		return "the tmux server at " + a.Raw + " (only known at run time; it may be the operator's)"
	case flag == "-L" && (v == "" || v == "default"):
		return "the default tmux server, which may be the operator's"
	}
	return "the tmux server at " + flag + " " + v + " (the agent's own, or the operator's: sentinel cannot tell them apart)"
}

// tmuxSplitArgs splits tmux's arguments into commands as
// cmd_parse_from_arguments does: an argument ending in an unescaped ";"
// ends a command (tmux a \; b, tmux 'a;' b); "\;" at the end is a literal
// semicolon.
func tmuxSplitArgs(words []tmuxWord) [][]tmuxWord {
	var out [][]tmuxWord
	var cur []tmuxWord
	for _, w := range words {
		v, end := w.Value, false
		if strings.HasSuffix(v, ";") {
			v = v[:len(v)-1]
			if strings.HasSuffix(v, `\`) {
				v = v[:len(v)-1] + ";"
			} else {
				end = true
			}
		}
		if !end || v != "" {
			w.Value = v
			cur = append(cur, w)
		}
		if end && len(cur) > 0 {
			out = append(out, cur)
			cur = nil
		}
	}
	if len(cur) > 0 {
		out = append(out, cur)
	}
	return out
}

// tmuxJob reports whether a tmux argument holds a format that runs a shell
// command in the server: #(cmd), anywhere (list-windows -F and display -p
// run it too), or a format expanded twice (#{E:...}, #{T:...}), whose
// second expansion can build one from a value.
func tmuxJob(v string) bool {
	if strings.Contains(v, "#(") {
		return true
	}
	for rest := v; ; {
		i := strings.Index(rest, "#{")
		if i < 0 {
			return false
		}
		rest = rest[i+2:]
		mods := rest
		if j := strings.IndexAny(mods, ":}"); j >= 0 {
			mods = mods[:j]
		}
		for _, m := range strings.Split(mods, ";") {
			if strings.HasPrefix(m, "E") || strings.HasPrefix(m, "T") {
				return true
			}
		}
	}
}

// command analyses one tmux command (name and arguments).
func (t *tmuxRun) command(cmd []tmuxWord, depth int) {
	if len(cmd) == 0 || depth > tmuxMaxNesting {
		return
	}
	inv := t.inv
	nameW := cmd[0]
	for _, w := range cmd {
		if tmuxJob(w.Value) {
			inv.Flag("terminal.run-outside", t.target("tmux"), "the tmux format in "+abbrev(w.Value, 40)+" runs a shell command in "+t.where+", outside the agent's process tree, where sentinel cannot see or freeze it", w.Span)
			break
		}
	}
	if !nameW.Known() {
		inv.Flag("terminal.control", t.target("tmux"), "tmux runs a command only known at run time ("+abbrev(nameW.Raw, 40)+") in "+t.where+"; it could type into a pane or run a program there", nameW.Span)
		return
	}
	name := nameW.Value
	found := tmuxResolve(name)
	switch {
	case len(found) == 0:
		inv.Flag("terminal.control", t.target("tmux"), "tmux "+abbrev(name, 40)+" is not a tmux command sentinel knows (tmux also accepts any unambiguous prefix of one); in "+t.where+" it could type into a pane or run a program", nameW.Span)
		return
	case len(found) > 1:
		var risky []string
		for _, k := range found {
			if n := tmuxCommands[k].name; tmuxDangerous(n) {
				risky = append(risky, n)
			}
		}
		if len(risky) > 0 {
			inv.Flag("terminal.control", t.target("tmux"), "tmux "+name+" is a prefix of several tmux commands ("+strings.Join(risky, ", ")+" among them); sentinel does not guess which one another tmux version runs in "+t.where, nameW.Span)
		}
		return
	}
	entry := tmuxCommands[found[0]]
	full := entry.name
	flags, pos, target := tmuxParseArgs(cmd[1:], entry.withValue)
	shown := "tmux " + full
	if name != full {
		shown = "tmux " + name + " (" + full + ")"
	}
	tgt := t.target("tmux")
	if target != "" {
		tgt = t.target(target)
	}
	spans := []Span{nameW.Span}

	// Follow what the command runs, whichever server it runs in.
	switch full {
	case "new-session", "new-window", "split-window", "respawn-pane", "respawn-window", "display-popup":
		t.shell(pos, depth)
	case "run-shell":
		if len(pos) > 0 {
			if strings.Contains(flags, "C") {
				t.nested(pos[:1], depth)
			} else {
				t.shell(pos[:1], depth)
			}
		}
	case "if-shell":
		if len(pos) > 0 && !strings.Contains(flags, "F") {
			t.shell(pos[:1], depth)
		}
		for _, p := range pos[min(1, len(pos)):] {
			t.nested([]tmuxWord{p}, depth)
		}
	case "pipe-pane":
		t.shell(pos[:min(1, len(pos))], depth)
	case "bind-key":
		if len(pos) > 1 {
			t.nested(pos[1:], depth)
		}
	case "confirm-before":
		t.nested(pos, depth)
	case "command-prompt", "choose-buffer", "choose-client", "choose-tree", "display-panes":
		t.nested(pos[:min(1, len(pos))], depth)
	case "set-hook":
		if len(pos) > 1 {
			t.nested(pos[1:2], depth)
		}
	}
	outside := "outside the agent's process tree, where sentinel cannot see or freeze it"
	switch {
	case full == "attach-session":
		inv.Flag("terminal.send-keys", tgt, shown+" attaches a client to a session of "+t.where+": whatever the agent writes to that client's terminal is typed into the session's panes, sentinel's own included", spans...)
	case full == "paste-buffer":
		inv.Flag("terminal.send-keys", tgt, shown+" pastes a buffer into a pane of "+t.where+": typed there, it can answer sentinel's own dialog, approving the agent's actions", spans...)
	case tmuxTypes[full]:
		inv.Flag("terminal.send-keys", tgt, shown+" types into a pane of "+t.where+": from there a program can answer sentinel's own dialog, approving the agent's actions", spans...)
	case full == "if-shell" || full == "run-shell" && strings.Contains(flags, "C"):
		inv.Flag("terminal.run-outside", tgt, shown+" runs commands in "+t.where+", "+outside, spans...)
	case full == "pipe-pane":
		what := "pipes a pane's output to a command run in "
		if strings.Contains(flags, "I") {
			what = "feeds a command's output into a pane as typed input, the command running in "
		}
		inv.Flag("terminal.run-outside", tgt, shown+" "+what+t.where+", "+outside, spans...)
	case full == "run-shell":
		inv.Flag("terminal.run-outside", tgt, shown+" runs a shell command in "+t.where+", "+outside, spans...)
	case tmuxRuns[full]:
		inv.Flag("terminal.run-outside", tgt, shown+" starts a program in "+t.where+", "+outside, spans...)
	case full == "source-file":
		inv.Flag("terminal.control", tgt, shown+" runs the tmux commands of a file in "+t.where+"; sentinel does not see what they do (send-keys, run-shell, ...)", spans...)
	case full == "bind-key" || full == "set-hook":
		inv.Flag("terminal.control", tgt, shown+" makes "+t.where+" run a tmux command later (on a key press or an event): it can type into a pane or run a program, "+outside, spans...)
	case full == "set-option" || full == "set-window-option" || full == "set-environment":
		inv.Flag("terminal.control", tgt, shown+" changes "+t.where+": options, hooks, command aliases and the environment decide what its panes run later, "+outside, spans...)
	case full == "server-access":
		inv.Flag("terminal.control", tgt, shown+" changes who may attach to "+t.where+" and type into its panes", spans...)
	case tmuxControls[full] || tmuxTemplates[full] && len(pos) > 0:
		inv.Flag("terminal.control", tgt, shown+" puts a prompt or menu in front of the operator in "+t.where+" whose answer runs a tmux command the agent chose", spans...)
	}
}

// tmuxParseArgs reads a tmux command's arguments as its getopt-style
// parser does: the flags given (without values), the positional arguments
// and the -t target.
func tmuxParseArgs(args []tmuxWord, withValue string) (flags string, pos []tmuxWord, target string) {
	i := 0
	for ; i < len(args); i++ {
		v := args[i].Value
		if v == "--" {
			i++
			break
		}
		if len(v) < 2 || v[0] != '-' || !args[i].Known() {
			break
		}
	cluster:
		for j := 1; j < len(v); j++ {
			c := v[j]
			if strings.IndexByte(withValue, c) < 0 {
				flags += string(c)
				continue
			}
			val := v[j+1:]
			if val == "" && i+1 < len(args) {
				i++
				val = args[i].Value
			}
			if c == 't' {
				target = val
			}
			break cluster
		}
	}
	return flags, args[min(i, len(args)):], target
}

// shell analyses a command a tmux command runs through the shell (one
// word) or directly (several words, as argv).
func (t *tmuxRun) shell(words []tmuxWord, depth int) {
	switch {
	case len(words) == 0:
	case len(words) == 1:
		w := words[0]
		if w.Known() {
			t.inv.Analyze(w.Value, w.org)
		} else {
			t.inv.w.shellString(t.inv, w.Arg)
		}
	case depth == 0:
		// Words of the command itself: run as a program with its arguments.
		args := make([]Arg, len(words))
		for i, w := range words {
			args[i] = w.Arg
		}
		runArgs(t.inv, args)
	default:
		parts := make([]string, len(words))
		for i, w := range words {
			parts[i] = shellQuote(w.Value)
		}
		t.inv.Analyze(strings.Join(parts, " "), origin{whole: Span{words[0].Span.Start, words[len(words)-1].Span.End}})
	}
}

// nested analyses tmux commands given as arguments: one word is a command
// string (if-shell's branches, a hook, a template), several are the words
// of a command list (bind-key KEY send-keys a \; send-keys b).
func (t *tmuxRun) nested(words []tmuxWord, depth int) {
	if len(words) == 0 || depth >= tmuxMaxNesting {
		return
	}
	if len(words) > 1 {
		for _, cmd := range tmuxSplitArgs(words) {
			t.command(cmd, depth+1)
		}
		return
	}
	for _, cmd := range tmuxParseString(words[0]) {
		if len(cmd) == 1 && cmd[0].block {
			t.nested(cmd, depth+1) // a command string that is one { ... } block
			continue
		}
		t.command(cmd, depth+1)
	}
}

// tmuxParseString splits a tmux command string (tmux's configuration
// syntax) into commands of words: whitespace separates words, an unquoted
// ";" or newline ends a command, quotes and backslashes work as in the
// shell, and { ... } is one word holding a command list.
func tmuxParseString(parent tmuxWord) [][]tmuxWord {
	s := parent.Value
	var out [][]tmuxWord
	var cur []tmuxWord
	endCmd := func() {
		if len(cur) > 0 {
			out = append(out, cur)
			cur = nil
		}
	}
	word := func(value string, start, end int, plain bool) {
		w := tmuxWord{Arg: Arg{Value: value, Raw: s[start:end], Span: parent.org.span(start, end)}}
		switch {
		case parent.org.exact && plain:
			w.org = origin{base: parent.org.base + start, exact: true}
		case parent.org.exact && end-start == len(value)+2 && (s[start] == '\'' || s[start] == '"') && s[start+1:end-1] == value:
			w.org = origin{base: parent.org.base + start + 1, exact: true}
		default:
			w.org = origin{whole: w.Span}
		}
		cur = append(cur, w)
	}
	i := 0
	for i < len(s) {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\r':
			i++
			continue
		case c == '\n' || c == ';':
			endCmd()
			i++
			continue
		case c == '#':
			for i < len(s) && s[i] != '\n' {
				i++
			}
			continue
		case c == '{' && (i+1 == len(s) || strings.IndexByte(" \t\n", s[i+1]) >= 0):
			depth, j := 1, i+1
			for ; j < len(s) && depth > 0; j++ {
				switch s[j] {
				case '{':
					depth++
				case '}':
					depth--
				}
			}
			inner := s[i+1:]
			if depth == 0 {
				inner = s[i+1 : j-1]
			}
			w := tmuxWord{Arg: Arg{Value: inner, Raw: s[i:j], Span: parent.org.span(i, j)}, block: true}
			w.org = origin{whole: w.Span}
			if parent.org.exact {
				w.org = origin{base: parent.org.base + i + 1, exact: true}
			}
			cur = append(cur, w)
			i = j
			continue
		}
		start := i
		var b strings.Builder
		plain := true
	scan:
		for i < len(s) {
			c := s[i]
			switch c {
			case ' ', '\t', '\r', '\n', ';':
				break scan
			case '\'', '"':
				plain = false
				j := strings.IndexByte(s[i+1:], c)
				if j < 0 {
					b.WriteString(s[i+1:])
					i = len(s)
					break scan
				}
				b.WriteString(s[i+1 : i+1+j])
				i += j + 2
			case '\\':
				plain = false
				if i+1 < len(s) {
					b.WriteByte(s[i+1])
				}
				i += 2
			default:
				b.WriteByte(c)
				i++
			}
		}
		word(b.String(), start, min(i, len(s)), plain)
	}
	endCmd()
	return out
}

// runArgs follows a program a multiplexer starts (args: the program and
// its arguments), so every analyser of it applies.
func runArgs(inv *Invocation, args []Arg) {
	if len(args) == 0 || inv.w == nil {
		return
	}
	sub := *inv
	sub.Args = append([]Arg(nil), args...)
	sub.Stdin = nil
	inv.w.run(&sub)
}

// ---------------------------------------------------------------------
// GNU screen.

// screenTypes, screenRuns and screenControls classify the commands of
// screen -X (screen matches command names exactly).
var (
	screenTypes    = setOf("stuff", "paste", "process")
	screenRuns     = setOf("exec", "screen", "backtick", "blanker")
	screenControls = setOf("source", "bind", "bindkey", "register", "readreg", "readbuf", "bufferfile", "setenv",
		"shell", "defshell", "blankerprg", "colon", "command", "multiuser", "acladd", "addacl", "aclchg", "chacl",
		"acldel", "aclgrp", "aclumask", "su", "escape", "defescape")
)

func analyseScreen(inv *Invocation) {
	args := inv.Args
	xmode, attach, newSession, detach := false, false, false, false
	i := 0
options:
	for ; i < len(args); i++ {
		v := args[i].Value
		switch {
		case v == "--":
			i++
			break options
		case v == "-ls" || v == "-list" || v == "-wipe" || v == "-v" || v == "--version" || v == "-Q":
			return // lists sessions, prints, or queries
		case v == "-Logfile":
			i++
			continue
		case len(v) < 2 || v[0] != '-' || !args[i].Known():
			break options
		}
		for j := 1; j < len(v); j++ {
			switch v[j] {
			case 'X':
				xmode = true
			case 'r', 'R', 'x':
				attach = true
			case 'm':
				newSession = true
			case 'd', 'D':
				detach = true
			case 'c', 'e', 'h', 'p', 's', 'S', 't', 'T':
				if j == len(v)-1 {
					i++
				}
				continue options
			}
		}
	}
	rest := args[min(i, len(args)):]
	where := "a screen session ($STY, or the one named with -S), which may be the operator's"
	switch {
	case xmode:
		screenCommand(inv, rest, where, 0)
	case newSession:
		// screen -dm CMD starts a new session of the agent's own: follow CMD.
		runArgs(inv, rest)
	case attach:
		inv.Flag("terminal.send-keys", "screen", "screen -r/-x attaches to "+where+": whatever the agent writes to that terminal is typed into the session's windows, sentinel's own included", inv.NameSpan)
	case detach:
		// screen -d SESSION detaches it elsewhere; nothing runs.
	default:
		runArgs(inv, rest)
		inv.Flag("terminal.run-outside", "screen", "inside a screen session ($STY set), screen opens a new window in that session, which may be the operator's: the program runs in the screen server, outside the agent's process tree, where sentinel cannot see or freeze it", inv.NameSpan)
	}
}

// screenCommand classifies one screen command (screen -X CMD ARGS, or a
// command inside eval, at and idle).
func screenCommand(inv *Invocation, words []Arg, where string, depth int) {
	if len(words) == 0 || depth > 4 {
		return
	}
	w := words[0]
	if !w.Known() {
		inv.Flag("terminal.control", "screen", "screen -X runs a command only known at run time ("+abbrev(w.Raw, 40)+") in "+where, w.Span)
		return
	}
	name := w.Value
	spans := []Span{w.Span}
	switch {
	case screenTypes[name]:
		inv.Flag("terminal.send-keys", "screen", "screen -X "+name+" types into a window of "+where+": from there a program can answer sentinel's own dialog, approving the agent's actions", spans...)
	case screenRuns[name]:
		inv.Flag("terminal.run-outside", "screen", "screen -X "+name+" runs a program in "+where+", outside the agent's process tree, where sentinel cannot see or freeze it", spans...)
		if name == "exec" || name == "screen" {
			prog := words[1:]
			for len(prog) > 0 && (strings.HasPrefix(prog[0].Value, "-") || name == "exec" && strings.Trim(prog[0].Value, ".!|:") == "") {
				if len(prog[0].Value) == 2 && strings.IndexByte("thTL", prog[0].Value[1]) >= 0 && len(prog) > 1 {
					prog = prog[1:] // -t title, -h lines, -T term
				}
				prog = prog[1:]
			}
			runArgs(inv, prog)
		}
	case screenControls[name]:
		inv.Flag("terminal.control", "screen", "screen -X "+name+" changes "+where+" (key bindings, registers, the shell, the environment, who may attach): the operator's keys or later windows then type or run what the agent chose", spans...)
	case name == "eval":
		for _, a := range words[1:] {
			var cmd []Arg
			for _, tok := range tokenize(a.Value) {
				cmd = append(cmd, Arg{Value: tok.value, Raw: tok.raw, Span: a.Span})
			}
			screenCommand(inv, cmd, where, depth+1)
		}
	case name == "at" && len(words) > 2:
		screenCommand(inv, words[2:], where, depth+1)
	case name == "idle" && len(words) > 2:
		screenCommand(inv, words[2:], where, depth+1)
	}
}

// ---------------------------------------------------------------------
// kitty, wezterm, zellij: remote control of the terminal or multiplexer.

var (
	kittySafe = setOf("close-tab", "close-window", "create-marker", "detach-tab", "detach-window", "disable-ligatures",
		"focus-tab", "focus-window", "get-colors", "get-text", "goto-layout", "last-used-layout", "ls", "mru",
		"remove-marker", "resize-os-window", "resize-window", "resize-window-edge", "screenshot", "scroll-window",
		"select-window", "set-background-image", "set-background-opacity", "set-colors", "set-enabled-layouts",
		"set-font-size", "set-os-window-title", "set-spacing", "set-tab-color", "set-tab-title", "set-user-vars",
		"set-window-logo", "set-window-title", "signal-child")
	weztermSafe = setOf("list", "list-clients", "tlscreds", "move-pane-to-new-tab", "get-text", "activate-pane-direction",
		"get-pane-direction", "kill-pane", "activate-pane", "adjust-pane-size", "activate-tab", "set-tab-title",
		"set-window-title", "rename-workspace", "zoom-pane")
	zellijSafe = setOf("options", "setup", "list-sessions", "ls", "list-aliases", "la", "kill-session", "k",
		"delete-session", "d", "kill-all-sessions", "ka", "delete-all-sessions", "da", "convert-config",
		"convert-layout", "convert-theme", "help")
	zellijActionSafe = setOf("resize", "focus-next-pane", "focus-previous-pane", "move-focus", "move-focus-or-tab",
		"move-pane", "move-pane-backwards", "clear", "dump-screen", "dump-layout", "scroll-up", "scroll-down",
		"scroll-to-bottom", "scroll-to-top", "page-scroll-up", "page-scroll-down", "half-page-scroll-up",
		"half-page-scroll-down", "toggle-fullscreen", "toggle-pane-frames", "switch-mode",
		"toggle-pane-embed-or-floating", "toggle-floating-panes", "close-pane", "rename-pane", "undo-rename-pane",
		"go-to-next-tab", "go-to-previous-tab", "close-tab", "go-to-tab", "go-to-tab-name", "rename-tab",
		"undo-rename-tab", "move-tab", "previous-swap-layout", "next-swap-layout", "query-tab-names",
		"rename-session", "list-clients", "toggle-pane-pinned", "stack-panes", "change-floating-pane-coordinates",
		"detach", "help")
)

// remoteVerb flags one remote-control subcommand of a terminal: typed
// input, a program started, a change of what it does, or (unknown) a
// subcommand sentinel does not know, which could be any of those.
func remoteVerb(inv *Invocation, tool string, sub Arg, types, runs, controls map[string]bool, safe map[string]bool, where string) {
	name := sub.Value
	shown := tool + " " + name
	switch {
	case !sub.Known():
		inv.Flag("terminal.control", tool, tool+" runs a remote-control command only known at run time ("+abbrev(sub.Raw, 40)+") in "+where, sub.Span)
	case types[name]:
		inv.Flag("terminal.send-keys", tool, shown+" types into a pane of "+where+": from there a program can answer sentinel's own dialog, approving the agent's actions", sub.Span)
	case runs[name]:
		inv.Flag("terminal.run-outside", tool, shown+" starts a program in "+where+", outside the agent's process tree, where sentinel cannot see or freeze it", sub.Span)
	case controls[name]:
		inv.Flag("terminal.control", tool, shown+" changes what "+where+" does or lets it run commands sentinel does not see: it can type into a pane or start a program there", sub.Span)
	case !safe[name]:
		inv.Flag("terminal.control", tool, shown+" is a remote-control command of "+where+" that sentinel does not know; it could type into a pane or start a program there", sub.Span)
	}
}

func analyseKitty(inv *Invocation) {
	args := inv.Args
	where := "the kitty instance the agent's environment points at, which may be the operator's terminal"
	switch {
	case len(args) > 0 && args[0].Value == "@":
		args = args[1:]
	case inv.Name == "kitty" && len(args) > 1 && args[0].Value == "+kitten" && args[1].Value == "@":
		args = args[2:]
	case inv.Name == "kitty" && inv.HasFlag("-1", "--single-instance"):
		inv.Flag("terminal.run-outside", "kitty", "kitty --single-instance asks the kitty already running (the operator's, if it is theirs) to open the window: the program runs there, outside the agent's process tree, where sentinel cannot see or freeze it", inv.NameSpan)
		return
	default:
		return
	}
	i := skipOptions(args, "--to --password --password-file --password-env --use-password", false)
	if i >= len(args) {
		inv.Flag("terminal.control", "kitty", inv.Name+" @ starts kitty's remote-control shell: the commands typed into it (send-text, launch, ...) reach "+where+" without sentinel seeing them", inv.NameSpan)
		return
	}
	remoteVerb(inv, inv.Name+" @", args[i], setOf("send-text", "send-key"), setOf("launch", "new-window", "run", "kitten"),
		setOf("action", "load-config", "env"), kittySafe, where)
}

func analyseWezterm(inv *Invocation) {
	args := inv.Args
	i := skipOptions(args, "--config-file --config", false)
	where := "the running wezterm, which may be the operator's terminal"
	if i < len(args) && args[i].Value == "cli" {
		j := i + 1 + skipOptions(args[i+1:], "--class", false)
		if j < len(args) {
			remoteVerb(inv, "wezterm cli", args[j], setOf("send-text"), setOf("spawn", "split-pane"), setOf("proxy"), weztermSafe, where)
		}
		return
	}
	if inv.HasFlag("-h", "-V", "--version") {
		return
	}
	if (i >= len(args) || args[i].Value == "start") && !inv.HasFlag("--always-new-process") {
		inv.Flag("terminal.run-outside", "wezterm", "wezterm start asks a wezterm already running (the operator's, if it is theirs) to open the window unless --always-new-process is given: the program runs there, outside the agent's process tree, where sentinel cannot see or freeze it", inv.NameSpan)
	}
}

func analyseZellij(inv *Invocation) {
	args := inv.Args
	where := "the zellij session in $ZELLIJ_SESSION_NAME or named with -s, which may be the operator's"
	layout, newSession := false, false
	i := 0
	for ; i < len(args); i++ {
		v := args[i].Value
		if !strings.HasPrefix(v, "-") || v == "-" {
			break
		}
		switch v {
		case "-l", "--layout":
			layout = true
			i++
		case "-n", "--new-session-with-layout":
			newSession = true
			i++
		case "-c", "--config", "--config-dir", "--data-dir", "-s", "--session", "--max-panes", "--server":
			i++
		default:
			layout = layout || strings.HasPrefix(v, "--layout=")
		}
	}
	if i >= len(args) {
		if layout && !newSession {
			inv.Flag("terminal.run-outside", "zellij", "zellij --layout inside a session adds the layout's tabs to "+where+": the commands it names run in the zellij server, outside the agent's process tree, where sentinel cannot see or freeze it", inv.NameSpan)
		}
		return
	}
	sub := args[i]
	rest := args[i+1:]
	switch sub.Value {
	case "action", "ac":
		if len(rest) == 0 {
			return
		}
		act := rest[0]
		runs := setOf("edit", "edit-scrollback", "launch-plugin", "launch-or-focus-plugin", "start-or-reload-plugin", "pipe")
		switch act.Value {
		case "new-pane":
			withCommand := false
			for _, a := range rest[1:] {
				withCommand = withCommand || a.Value == "--" || a.Value == "-p" || a.Value == "--plugin" || strings.HasPrefix(a.Value, "--plugin=")
			}
			if withCommand {
				runs["new-pane"] = true
			} else {
				return // a pane with the default shell, typed into by nobody but the operator
			}
		case "new-tab":
			for _, a := range rest[1:] {
				if a.Value == "-l" || a.Value == "--layout" || strings.HasPrefix(a.Value, "--layout=") {
					runs["new-tab"] = true
				}
			}
			if !runs["new-tab"] {
				return
			}
		}
		remoteVerb(inv, "zellij action", act, setOf("write", "write-chars"), runs, setOf("toggle-active-sync-tab"), zellijActionSafe, where)
	case "attach", "a":
		if inv.HasFlag("-b", "--create-background") {
			return
		}
		inv.Flag("terminal.send-keys", "zellij", "zellij attach attaches to "+where+": whatever the agent writes to that terminal is typed into the session's panes, sentinel's own included", sub.Span)
	default:
		remoteVerb(inv, "zellij", sub, nil, setOf("run", "r", "edit", "e", "plugin", "p", "pipe"), setOf("web"), zellijSafe, where)
		if sub.Value == "run" || sub.Value == "r" {
			for j, a := range rest {
				if a.Value == "--" {
					runArgs(inv, rest[j+1:])
					break
				}
			}
		}
	}
}

// ---------------------------------------------------------------------
// Synthesised desktop input.

// xdotoolInput are the xdotool commands that produce input; xdotool chains
// commands in one argv (search ... windowactivate --sync key a), so any
// word counts. A middle click pastes the selection into the focused window.
var xdotoolInput = setOf("type", "key", "keydown", "keyup", "click", "mousedown", "mouseup", "script")

func analyseSyntheticInput(inv *Invocation) {
	if len(inv.Args) == 1 && (inv.Args[0].Value == "-h" || inv.Args[0].Value == "-v" || inv.Args[0].Value == "--version" || inv.Args[0].Value == "-V") {
		return // prints help or the version
	}
	why := ": it reaches whichever window has focus, sentinel's console included, and can answer its dialog, approving the agent's actions"
	switch inv.Name {
	case "xdotool":
		for i, a := range inv.Args {
			if xdotoolInput[a.Value] || a.Value == "-" && i == 0 {
				inv.Flag("terminal.synthetic-input", "the desktop", "xdotool "+a.Value+" synthesises input for the X display"+why, inv.NameSpan, a.Span)
				return
			}
		}
	case "ydotool":
		for _, a := range inv.Positional() {
			if a.Value == "type" || a.Value == "key" || a.Value == "click" || a.Value == "stdin" {
				inv.Flag("terminal.synthetic-input", "the desktop", "ydotool "+a.Value+" synthesises input through the kernel's input devices"+why, inv.NameSpan, a.Span)
			}
			return
		}
	case "xvkbd":
		if i := inv.FlagIndex("-text"); i >= 0 {
			inv.Flag("terminal.synthetic-input", "the desktop", "xvkbd -text types into the X display"+why, inv.NameSpan, inv.Args[i].Span)
		}
	default:
		inv.Flag("terminal.synthetic-input", "the desktop", inv.Name+" synthesises keyboard input for the desktop"+why, inv.NameSpan)
	}
}

// ---------------------------------------------------------------------
// Writing to another terminal.

// otherTerminal reports whether p is a terminal device other than the
// agent's own /dev/tty: a pseudo-terminal (/dev/pts/N, where the
// operator's terminal and sentinel's console live) or a virtual console
// (/dev/ttyN). Serial ports (/dev/ttyS0, /dev/ttyUSB0) are not terminals
// anybody types into here.
func otherTerminal(p string) bool {
	if !strings.Contains(p, unknown) {
		p = path.Clean(p)
	}
	if rest, ok := strings.CutPrefix(p, "/dev/pts/"); ok {
		return rest != "" && rest != "ptmx"
	}
	if rest, ok := strings.CutPrefix(p, "/dev/tty"); ok && rest != "" {
		return rest[0] >= '0' && rest[0] <= '9' || strings.HasPrefix(rest, unknown)
	}
	_, ok := otherProcessFd(p)
	return ok
}

// ownProcessFd reports whether a path as written is the shell's own
// descriptor through $$ (/proc/$$/fd/1), which expands to a number only at
// run time.
func ownProcessFd(raw string) bool {
	raw = strings.Trim(raw, `"'`)
	return strings.HasPrefix(raw, "/proc/$$/") || strings.HasPrefix(raw, "/proc/${$}/")
}

// otherProcessFd reports whether p is a descriptor of another process
// (/proc/PID/fd/N, $PPID's included), which may be the operator's
// terminal: sentinel's own stdout is. It returns the PID as written.
// /proc/self and /proc/thread-self are the writer's own.
func otherProcessFd(p string) (string, bool) {
	rest, ok := strings.CutPrefix(p, "/proc/")
	if !ok {
		return "", false
	}
	pid, fd, ok := strings.Cut(rest, "/fd/")
	if !ok || pid == "" || fd == "" || strings.Contains(pid, "/") || pid == "self" || pid == "thread-self" {
		return "", false
	}
	return pid, true
}

// checkTTYWrite flags a write (a redirection, tee, dd of=) to another
// terminal.
func checkTTYWrite(w *walker, a Arg) {
	if !otherTerminal(a.Value) || ownProcessFd(a.Raw) {
		return
	}
	t := strings.ReplaceAll(a.Value, unknown, "N")
	if pid, ok := otherProcessFd(a.Value); ok {
		if pid == unknown {
			pid = "chosen at run time"
		}
		w.flag("terminal.write-tty", t, "writes to "+t+", a descriptor of another process (pid "+strings.ReplaceAll(pid, unknown, "N")+"), which may be the operator's terminal (sentinel's own output is): escape sequences written there can redraw the console, hiding or faking its dialog", []Span{a.Span})
		return
	}
	w.flag("terminal.write-tty", t, "writes to the terminal "+t+", which may be the operator's (sentinel's console included): escape sequences written there can redraw the console, hiding or faking its dialog, and some make the terminal type its replies into it", []Span{a.Span})
}

// analyseTTYWriter handles the programs that write to a file named in
// their arguments: tee FILE..., dd of=FILE, cp SRC... DEST.
func analyseTTYWriter(inv *Invocation) {
	switch inv.Name {
	case "tee":
		for _, a := range inv.Positional() {
			checkTTYWrite(inv.w, a)
		}
	case "dd":
		for _, a := range inv.Args {
			if v, ok := strings.CutPrefix(a.Value, "of="); ok {
				b := a
				b.Value = v
				checkTTYWrite(inv.w, b)
			}
		}
	case "cp":
		if pos := inv.Positional("-t", "--target-directory", "-S", "--suffix"); len(pos) > 1 {
			checkTTYWrite(inv.w, pos[len(pos)-1])
		}
	}
}
