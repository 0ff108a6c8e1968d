package detect

import (
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// The stream tests use zap, the engine tests' made-up destructive program
// (engine_test.go): what is tested here is whether the command is found
// and extracted right, not how it is judged.

// scanAll feeds the whole input in one chunk.
func scanAll(in string) []StreamEvent {
	s := NewStream(Context{})
	return append(s.Write([]byte(in)), s.Flush()...)
}

// scanChunks feeds the input split at the given offsets.
func scanChunks(in string, cuts []int) []StreamEvent {
	s := NewStream(Context{})
	var evs []StreamEvent
	prev := 0
	for _, c := range cuts {
		evs = append(evs, s.Write([]byte(in[prev:c]))...)
		prev = c
	}
	evs = append(evs, s.Write([]byte(in[prev:]))...)
	return append(evs, s.Flush()...)
}

// summary renders events as `format line "command"` (… when truncated)
// and `credential line kind masked source`.
func streamSummary(evs []StreamEvent) []string {
	var out []string
	for _, e := range evs {
		switch e.Kind {
		case EventCommand:
			t := ""
			if e.Truncated {
				t = " …"
			}
			out = append(out, fmt.Sprintf("%s %d %q%s", e.Format, e.Line, e.Command, t))
		case EventCredential:
			out = append(out, strings.TrimSpace(fmt.Sprintf("credential %d %s %s %s", e.Line, e.Credential.Kind, e.Credential.Masked, e.Credential.Source)))
		}
	}
	return out
}

type streamCase struct {
	name string
	in   string
	want []string
}

var streamCases = []streamCase{
	// Claude Code.
	{"claude coloured tool line",
		"\x1b[38;2;153;153;153m●\x1b[39m \x1b[1mBash\x1b[22m(zap /data)\r\n  \x1b[2m⎿  Running…\x1b[22m\r\n",
		[]string{`claude 1 "zap /data"`}},
	{"claude parentheses and quotes inside",
		"● Bash(for f in $(ls); do zap \"$f (copy)\"; done)\r\n  ⎿  (No content)\r\n",
		[]string{`claude 1 "for f in $(ls); do zap \"$f (copy)\"; done"`}},
	{"claude wrapped over rows",
		"● Bash(cd /srv/app && zap --all /var/lib/postgresql/data/base/16384 /var/lib/postg\r\n      resql/data/base/99999)\r\n  ⎿  Running…\r\n",
		[]string{`claude 1 "cd /srv/app && zap --all /var/lib/postgresql/data/base/16384 /var/lib/postg resql/data/base/99999"`}},
	{"claude truncated",
		"● Bash(zap --recursive /home/user/projects/some/very/long/path/that/goes/on…)\r\n  ⎿  Running…\r\n",
		[]string{`claude 1 "zap --recursive /home/user/projects/some/very/long/path/that/goes/on" …`}},
	{"claude truncated inside a quote",
		"● Bash(zap -m 'a message that the display cut sho…)\r\n  ⎿  Running…\r\n",
		[]string{`claude 1 "zap -m 'a message that the display cut sho" …`}},
	{"claude tool line shown again below, after a dialog",
		"● Bash(zap a)\r\n\r\n Bash command\r\n\r\n   zap a\r\n Do you want to proceed?\r\n ❯ 1. Yes\r\n● Bash(zap a)\r\n  ⎿  Running…\r\n",
		[]string{`claude 1 "zap a"`}},
	{"claude description then $ command",
		"● Delete the build artifacts\r\n  ⎿  $ zap build/\r\n",
		[]string{`claude 2 "zap build/"`}},
	{"claude no-break space in the gutter, sandboxed tool",
		"● Clear the cache\r\n  ⎿ \u00a0$ zap cache\r\n● SandboxedBash(zap sandbox)\r\n",
		[]string{`claude 2 "zap cache"`, `claude 3 "zap sandbox"`}},
	{"claude legacy bullet",
		"⏺ Bash(zap x)\r\n  ⎿  ok\r\n",
		[]string{`claude-legacy 1 "zap x"`}},
	{"claude legacy indented bullet",
		"  ⏺ Bash(go test ./... && zap y)\r\n\r\n  Do you want to proceed?\r\n  ❯ 1. Yes\r\n",
		[]string{`claude-legacy 1 "go test ./... && zap y"`}},
	{"claude subagent tool line",
		"● Task(Clean the workspace)\r\n  ⎿  Bash(zap tmp)\r\n     Waiting…\r\n",
		[]string{`claude 2 "zap tmp"`}},
	{"claude old parameter display",
		"⏺ Bash(command: \"zap \\\"quoted dir\\\"\", timeout: 120000)\r\n",
		[]string{`claude-legacy 1 "zap \"quoted dir\""`}},
	{"claude rows joined by autowrap",
		"  ⏺ Bash(mkdir -p                  /Users/k/specs)  ⎿  Running…                ✽ Crystallizing… (thinking)\r\n",
		[]string{`claude-legacy 1 "mkdir -p                  /Users/k/specs"`}},
	{"claude Read names the source of a credential",
		"● Read(infra/domains.env)\r\n  ⎿  CLOUD_API_TOKEN=rw_root_fcf8a91b0c2d4e5f60718293a4b5c6d7e8f9c755\r\n",
		[]string{"credential 2 generic-token rw_root_fcf8…c755 infra/domains.env"}},

	// Codex CLI.
	{"codex ran",
		"\x1b[1m•\x1b[0m Ran \x1b[36mzap\x1b[0m --force\r\n  └ done\r\n",
		[]string{`codex 1 "zap --force"`}},
	// Codex prints each line of a command on its own │ row: the rows join
	// with newlines, keeping the indentation after "│ ".
	{"codex multi-line command",
		"• Running bash -lc 'cd /srv &&\r\n  │ zap data'\r\n  └ (no output)\r\n",
		[]string{`codex 1 "bash -lc 'cd /srv &&\nzap data'"`}},
	{"codex loop keeps its lines and indentation",
		"• Ran for f in *.log; do\r\n  │   zap \"$f\"\r\n  │ done\r\n  └ (no output)\r\n",
		[]string{`codex 1 "for f in *.log; do\n  zap \"$f\"\ndone"`}},
	{"codex continuation cut short",
		"• Ran zap a\r\n  │ b\r\n  │ c\r\n  │ … +3 lines\r\n  └ x\r\n",
		[]string{`codex 1 "zap a\nb\nc" …`}},
	{"codex approval overlay",
		"  Would you like to run the following command?\r\n\r\n  Reason: clean up\r\n\r\n  $ zap --all /srv\r\n\r\n› 1. Yes, proceed (y)\r\n  2. No (esc)\r\n" +
			"✔ You approved codex to run zap --all /srv this time\r\n• Running zap --all /srv\r\n",
		[]string{`codex 5 "zap --all /srv"`}},
	{"codex approval overlay, multi-line command, absolute positioning",
		"\x1b[29;1H  Would you like to run the following command?\x1b[K\x1b[31;1H  $ for d in a b; do\x1b[K\x1b[32;1H    zap \"$d\"\x1b[K\x1b[33;1H  done\x1b[K\x1b[35;1H› 1. Yes, proceed (y)\x1b[K",
		[]string{`codex 1 "for d in a b; do\n  zap \"$d\"\ndone"`}},
	{"a $ line without the approval title is not a command", "  $ zap /\r\n", nil},
	{"codex you ran",
		"◦ You ran zap home\r\n",
		[]string{`codex 1 "zap home"`}},
	{"codex timestamped exec",
		"[2025-08-01T12:00:00] exec bash -lc 'zap z' in /home/u/p\r\n[2025-08-01T12:00:01] bash -lc 'zap z' succeeded in 12ms:\r\n",
		[]string{`codex 1 "bash -lc 'zap z'"`}},
	{"codex exec on its own row",
		"exec\r\nbash -lc 'zap w' in /tmp\r\n succeeded in 3ms:\r\n",
		[]string{`codex 1 "bash -lc 'zap w'"`}},
	{"codex exec status on the command's line",
		"exec\r\n/bin/bash -lc 'zap w' in /home/u/my code succeeded in 212ms:\r\nok\r\n" +
			"exec\r\n/bin/bash -lc 'zap v' in /srv exited 1 in 1m 12s:\r\n" +
			"exec\r\n/bin/bash -lc 'zap u' in /srv exited -1:\r\n",
		[]string{`codex 1 "/bin/bash -lc 'zap w'"`, `codex 4 "/bin/bash -lc 'zap v'"`, `codex 6 "/bin/bash -lc 'zap u'"`}},

	// Gemini CLI.
	{"gemini box",
		"╭──────────────────────────────────────────────╮\r\n│ ✓  Shell zap /tmp/x [current working directory /home/u] (Remove the scratch dir) │\r\n│                                              │\r\n│ (empty)                                      │\r\n╰──────────────────────────────────────────────╯\r\n",
		[]string{`gemini 2 "zap /tmp/x"`}},
	{"gemini tool name and dir",
		"│ ⊷  run_shell_command zap sub [in sub] │\r\n",
		[]string{`gemini 1 "zap sub"`}},
	{"gemini title truncated",
		"│ ✓  Shell zap --recursive /home/user/projects/some/very/long/pa… │\r\n",
		[]string{`gemini 1 "zap --recursive /home/user/projects/some/very/long/pa" …`}},
	{"gemini confirmation shows the full command",
		"│ ?  Shell zap --all /home/user/projects/some/very/long/pa… │\r\n│                                                       │\r\n│ zap --all /home/user/projects/some/very/long/path      │\r\n│ Allow execution of: 'zap'?                            │\r\n│ ● 1. Allow once                                       │\r\n",
		[]string{`gemini 1 "zap --all /home/user/projects/some/very/long/path"`}},
	{"gemini dense layout",
		"  ✓  Shell  zap d [in .] → Command exited with code: 1\r\n",
		[]string{`gemini 1 "zap d"`}},
	{"gemini subshell is not a description",
		"│ ✓  Shell (cd x && zap y) (Go into x and zap) │\r\n",
		[]string{`gemini 1 "(cd x && zap y)"`}},
	{"gemini user shell",
		"│ ✓  Shell Command zap z │\r\n",
		[]string{`gemini 1 "zap z"`}},

	// Shell prompts and xtrace.
	{"shell prompts",
		"$ zap a\r\nuser@host:~/proj$ zap b\r\n[root@db01 ~]# zap c\r\n/app # zap e\r\n# zap f\r\n",
		[]string{`shell 1 "zap a"`, `shell 2 "zap b"`, `shell 3 "zap c"`, `shell 4 "zap e"`, `shell 5 "zap f"`}},
	{"xtrace",
		"+ zap g\r\n++ dirname /x/y\r\n+ TODAY=2025-06-11\r\n+++ basename /x\r\n",
		[]string{`xtrace 1 "zap g"`, `xtrace 2 "dirname /x/y"`, `xtrace 3 "TODAY=2025-06-11"`, `xtrace 4 "basename /x"`}},
	{"diff headers and hunks are not xtrace",
		"--- a/deploy.sh\r\n+++ b/deploy.sh\r\n@@ -1,3 +1,4 @@\r\n set -e\r\n-zap old\r\n+ zap new\r\n+ zap more\r\n\r\n+ zap after\r\n",
		[]string{`xtrace 9 "zap after"`}},
	{"shell continuation",
		"$ zap \\\r\n> --all \\\r\n> /srv\r\nok\r\n",
		[]string{"shell 1 \"zap \\\\\\n--all \\\\\\n/srv\""}},
	{"shell open quote",
		"$ zap 'a\r\n> b'\r\n",
		[]string{"shell 1 \"zap 'a\\nb'\""}},
	{"shell loop over PS2 lines",
		"user@host:~$ for f in *.tmp; do\r\n> zap \"$f\"\r\n> done\r\nuser@host:~$ ls\r\n",
		[]string{"shell 1 \"for f in *.tmp; do\\nzap \\\"$f\\\"\\ndone\"", `shell 4 "ls"`}},
	{"shell here-document over PS2 lines",
		"$ cat <<EOF | sh\r\n> zap /srv\r\n> EOF\r\n",
		[]string{"shell 1 \"cat <<EOF | sh\\nzap /srv\\nEOF\""}},
	{"shell loop abandoned with ^C",
		"user@host:~$ while true; do\r\n> ^C\r\nuser@host:~$ zap k\r\n",
		[]string{"shell 1 \"while true; do\\n^C\"", `shell 3 "zap k"`}},
	{"npm output after a complete line is no continuation",
		"$ npm run build\r\n\r\n> shop@1.0.0 build\r\n> zap dist\r\n",
		[]string{`shell 1 "npm run build"`}},
	{"typed with backspaces",
		"$ zap wrong\b\b\b\b\b\x1b[Kright\r\n",
		[]string{`shell 1 "zap right"`}},
	{"spinner overwritten by the prompt",
		"\r⠋ Working\r⠙ Working\r\x1b[K$ zap j\r\n",
		[]string{`shell 1 "zap j"`}},
	{"spinner shorter overwrite keeps the tail",
		"$ zap kkkkkk\r$ zap q\r\n",
		[]string{`shell 1 "zap qkkkkk"`}},
	{"wide characters overwritten",
		"构建构建\r$ zap k\r\n",
		[]string{`shell 1 "zap k"`}},
	{"cursor addressing within the line",
		"$ zap XXXXXXX\x1b[7G/tmp/\x1b[11GZ\x1b[2C!\x1b[3D\x1b[P\r\n",
		[]string{`shell 1 "zap /tmpZX!"`}},
	{"OSC title and DCS are dropped",
		"\x1b]0;agent: working\x07\x1bP1$r0m\x1b\\$ zap \x1b]8;;https://x.example\x1b\\link\x1b]8;;\x1b\\\r\n",
		[]string{`shell 1 "zap link"`}},

	// Prose and output that mention commands without running them.
	{"markdown fence", "Run this:\r\n```bash\r\n$ zap /\r\n# zap /\r\n+ zap /\r\n```\r\n", nil},
	{"tilde fence", "~~~\r\n$ zap /\r\n~~~\r\n", nil},
	{"inline code", "You could run `zap /` or $ zap / but I won't.\r\n", nil},
	{"indented markdown code", "    $ zap /\r\n", nil},
	{"claude reply with a code block",
		"● To clean up, run:\r\n\r\n  $ zap /\r\n\r\n  Then rebuild.\r\n", nil},
	{"command output that shows a prompt",
		"● Bash(cat README.md)\r\n  ⎿  $ zap /\r\n     more\r\n",
		[]string{`claude 1 "cat README.md"`}},
	{"headings and comments", "# Installation\r\n# zap is the tool that cleans\r\n# zap the cache first.\r\n", nil},
	{"markdown plus lists", "+ Added zap support\r\n+ add zap to the list\r\n+ The zap option\r\n", nil},
	{"diff lines", "+zap /\r\n+  zap /\r\n", nil},
	{"script shown by cat", "#!/bin/sh\r\nset -e\r\nexec \"$@\"\r\nexec gunicorn app:app\r\n", nil},
	{"codex prose bullet", "• I'll run zap now to clean up.\r\n  It is safe.\r\n", nil},
	{"gemini prose in a box", "│ Line 91  Shell scripts are fun │\r\n", nil},
	{"money", "$ 5 for the plan\r\n", nil},
	{"claude tool line in a fenced transcript", "```\r\n● Bash(zap /)\r\n```\r\n", nil},

	// Credentials.
	{"the incident: a token found with grep, then used",
		"● Bash(grep -rn CLOUD_API_TOKEN .)\r\n  ⎿  ./infra/domains.env:4:CLOUD_API_TOKEN=rw_root_fcf8a91b0c2d4e5f60718293a4b5c6d7e8f9c755\r\n" +
			"● Bash(curl -s -H \"Authorization: Bearer rw_root_fcf8a91b0c2d4e5f60718293a4b5c6d7e8f9c755\" https://backboard.example.com/graphql/v2)\r\n",
		[]string{`claude 1 "grep -rn CLOUD_API_TOKEN ."`, "credential 2 generic-token rw_root_fcf8…c755 infra/domains.env:4",
			`claude 3 "curl -s -H \"Authorization: Bearer rw_root_fcf8a91b0c2d4e5f60718293a4b5c6d7e8f9c755\" https://backboard.example.com/graphql/v2"`}},
	{"a credential shown twice is one event",
		"GITHUB_TOKEN=ghp_R4nd0mL00k1ngT0k3nV4lu3xYz0123456789\r\nexport GITHUB_TOKEN=ghp_R4nd0mL00k1ngT0k3nV4lu3xYz0123456789\r\n",
		[]string{"credential 1 github-token ghp_R4nd…6789"}},
	{"cat names the source",
		"$ cat config/prod.env\r\nDB_PASSWORD=Xk9#mQ2vL7pW\r\n",
		[]string{`shell 1 "cat config/prod.env"`, "credential 2 password X…W config/prod.env"}},
	{"private key block under a tool gutter",
		"  ⎿  -----BEGIN OPENSSH PRIVATE KEY-----\r\n     b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\r\n     QyNTUxOQAAACDh1Qb9tRz0wFz1m8VnZQd2xk1rZb0y8bq9Y7c6y7D0CwAAAJgAAAAA\r\n     -----END OPENSSH PRIVATE KEY-----\r\n$ zap key\r\n",
		[]string{"credential 1 private-key -----BEGIN OPENSSH PRIVATE KEY-----…", `shell 5 "zap key"`}},
	{"hashes and ids are not credentials",
		"commit 9fceb02d0ae598e95dc970b74767f19372d61af8\r\nid: 123e4567-e89b-12d3-a456-426614174000\r\n\"integrity\": \"sha512-Q4PTJ9nU1vOn1TkZ6bS8yq5h+0Xk0zF8iK1bCbS8d0G4uW2lQ2a6u7g5vH3f2m1N9oP0qR8sT7uV6wX5yZ4aA==\"\r\n",
		nil},
}

func TestStreamFormats(t *testing.T) {
	for _, c := range streamCases {
		t.Run(c.name, func(t *testing.T) {
			got := streamSummary(scanAll(c.in))
			if strings.Join(got, "\n") != strings.Join(c.want, "\n") {
				t.Errorf("input %q\n got: %q\nwant: %q", c.in, got, c.want)
			}
		})
	}
}

// Every chunking of the same bytes must give the same events: cuts fall
// mid-escape, mid-UTF-8, mid-line.
func TestStreamChunkBoundaries(t *testing.T) {
	r := rand.New(rand.NewSource(7))
	inputs := []string{}
	for _, c := range streamCases {
		inputs = append(inputs, c.in)
	}
	inputs = append(inputs, inkSession(), string(mixedOutput(32<<10)))
	for _, in := range inputs {
		want := strings.Join(streamSummary(scanAll(in)), "\n")
		if len(in) < 4000 {
			for cut := 1; cut < len(in); cut++ {
				if got := strings.Join(streamSummary(scanChunks(in, []int{cut})), "\n"); got != want {
					t.Fatalf("split at %d of %q:\n got: %s\nwant: %s", cut, in, got, want)
				}
			}
		}
		for trial := 0; trial < 20; trial++ {
			var cuts []int
			for p := 0; ; {
				p += 1 + r.Intn(17)
				if p >= len(in) {
					break
				}
				cuts = append(cuts, p)
			}
			if got := strings.Join(streamSummary(scanChunks(in, cuts)), "\n"); got != want {
				t.Fatalf("random chunks of %.80q…:\n got: %s\nwant: %s", in, got, want)
			}
		}
	}
}

// inkSession imitates Claude Code's renderer: a live region redrawn by
// erasing its lines (ESC[2K ESC[1A …) and printing it again, then the
// finished tool call written above it for good.
func inkSession() string {
	var b strings.Builder
	frame := func(n int) {
		fmt.Fprintf(&b, "\x1b[38;2;215;119;87m●\x1b[39m \x1b[1mBash\x1b[22m(zap build)\n  ⎿  Running… (%ds)\n\n\x1b[38;2;215;119;87m✻\x1b[39m Working… (esc to interrupt)\n", n)
	}
	erase := func(lines int) {
		for i := 0; i < lines; i++ {
			b.WriteString("\x1b[2K\x1b[1A")
		}
		b.WriteString("\x1b[2K\x1b[G")
	}
	b.WriteString("> clean the build\n\n")
	frame(0)
	for i := 1; i < 6; i++ {
		erase(4)
		frame(i)
	}
	erase(4)
	b.WriteString("● Bash(zap build)\n  ⎿  (No content)\n\n")
	fmt.Fprintf(&b, "✻ Working…\n")
	erase(1)
	b.WriteString("● Done.\n")
	return b.String()
}

func TestStreamRedrawIsOneEvent(t *testing.T) {
	got := streamSummary(scanAll(inkSession()))
	if len(got) != 1 || got[0] != `claude 3 "zap build"` {
		t.Fatalf("%q", got)
	}
	// Codex: the live cell drawn with absolute positioning, then the
	// finished cell inserted into history above the viewport.
	codex := "\x1b[20;1H\x1b[K• Running zap q\x1b[21;1H\x1b[K  └ …\x1b[24;1HWorking (3s)" +
		"\x1b[20;1H◦\x1b[24;10H4s" +
		"\x1b[1;19r\x1b[19;1H\r\n\x1b[K• Ran zap q\r\n\x1b[K  └ done\x1b[r\x1b[24;1H"
	if got := streamSummary(scanAll(codex)); len(got) != 1 || got[0] != `codex 1 "zap q"` {
		t.Fatalf("codex: %q", got)
	}
	// A spinner line redrawn with \r is one line.
	spin := "\r● Bash(zap s)\r● Bash(zap s)\r● Bash(zap s)\n"
	if got := streamSummary(scanAll(spin)); len(got) != 1 {
		t.Fatalf("spinner: %q", got)
	}
	// A full clear and reprint of the transcript (a resize) is no news.
	clearAndReprint := "● Bash(zap o)\r\n  ⎿  done\r\n\x1b[2J\x1b[3J\x1b[H● Bash(zap o)\r\n  ⎿  done\r\n"
	if got := streamSummary(scanAll(clearAndReprint)); len(got) != 1 {
		t.Fatalf("reprint: %q", got)
	}
}

// The same command shown again soon after is a redraw, wherever it is
// printed (TUIs print a tool line again below its first print); only
// after recentLines lines is it a new command.
func TestStreamRepeat(t *testing.T) {
	again := inkSession() + "● Bash(zap build)\n  ⎿  Running…\n"
	if got := streamSummary(scanAll(again)); len(got) != 1 {
		t.Fatalf("claude reprint: %q", got)
	}
	shell := "$ zap n\r\nfailed\r\n$ zap n\r\n"
	if got := streamSummary(scanAll(shell)); len(got) != 1 {
		t.Fatalf("shell repeat: %q", got)
	}
	// A spinner that redraws its command for longer than the window stays
	// one command: each sighting renews it.
	var b strings.Builder
	for i := 0; i < 3*recentLines; i++ {
		b.WriteString("● Bash(zap spin)\r\n  ⎿  Running…\r\n")
	}
	if got := streamSummary(scanAll(b.String())); len(got) != 1 {
		t.Fatalf("long redraw: %d events", len(got))
	}
	// Long after, it is run again.
	later := "$ zap n\r\n" + strings.Repeat("output\r\n", recentLines+1) + "$ zap n\r\n"
	if got := streamSummary(scanAll(later)); len(got) != 2 {
		t.Fatalf("shell rerun: %q", got)
	}
}

// A command the display cut short is judged by what it shows: its not
// parsing is the display's doing (Claude Code shows only the first line of
// a multi-line command).
func TestStreamTruncatedFragment(t *testing.T) {
	evs := scanAll("● Bash(git add a.sql && git commit -m \"$(cat <<'EOF'…)\r\n  ⎿  Running…\r\n")
	if len(evs) != 1 || !evs[0].Truncated || evs[0].Result.Verdict != Allow {
		t.Fatalf("%+v", evs)
	}
	evs = scanAll("● Bash(zap /srv && git commit -m \"$(cat <<'EOF'…)\r\n")
	if len(evs) != 1 || evs[0].Result.Verdict != Pause || evs[0].Result.Top().Rule != "test.zap" {
		t.Fatalf("%+v", evs)
	}
	// Not cut short: unparsable stays suspicious.
	evs = scanAll("● Bash(rm -rf \"/var/lib/app)\r\n")
	if len(evs) != 1 || evs[0].Result.Verdict != Pause {
		t.Fatalf("%+v", evs)
	}
}

// Codex's │ rows are lines of the command, or a long line Codex wrapped:
// the newline reading is reported unless another is more concerning, and
// a reading that is not valid shell does not count when one is.
func TestStreamCodexRows(t *testing.T) {
	evs := scanAll("• Ran curl -s -X\r\n  │ DELETE https://api.example.com/v1/volumes/vol_9f3\r\n  └ ok\r\n")
	if len(evs) != 1 || evs[0].Result.Verdict != Pause || evs[0].Command != "curl -s -X DELETE https://api.example.com/v1/volumes/vol_9f3" {
		t.Fatalf("wrapped: %+v", evs)
	}
	evs = scanAll("• Ran for f in build/*.tmp; do\r\n  │   rm \"$f\"\r\n  │ done\r\n  └ (no output)\r\n")
	if len(evs) != 1 || evs[0].Command != "for f in build/*.tmp; do\n  rm \"$f\"\ndone" {
		t.Fatalf("loop: %+v", evs)
	}
	for _, f := range evs[0].Result.Findings {
		if f.Rule == "opaque.unparsable" {
			t.Errorf("the loop's lines joined into one were analysed: %+v", f)
		}
	}
}

// codex exec prints the command's line while it runs and ends it only when
// it finishes: the command is reported from the Write that shows it.
func TestStreamCodexExecEarly(t *testing.T) {
	s := NewStream(Context{})
	if evs := s.Write([]byte("exec\r\n/bin/bash -lc 'zap q' in /home/u/pr")); len(evs) != 1 || evs[0].Command != "/bin/bash -lc 'zap q'" || evs[0].Line != 1 {
		t.Fatalf("early: %q", streamSummary(evs))
	}
	evs := append(s.Write([]byte("oj succeeded in 41.2s:\r\nok\r\n")), s.Flush()...)
	if len(evs) != 0 {
		t.Fatalf("again at the end: %q", streamSummary(evs))
	}
	// Not yet sure where the command ends: wait.
	s = NewStream(Context{})
	if evs := s.Write([]byte("exec\r\n/bin/bash -lc 'for f in /srv")); len(evs) != 0 {
		t.Fatalf("partial: %q", streamSummary(evs))
	}
	evs = append(s.Write([]byte("/*; do zap $f; done' in /srv succeeded in 1s:\r\n")), s.Flush()...)
	if got := streamSummary(evs); len(got) != 1 || got[0] != `codex 1 "/bin/bash -lc 'for f in /srv/*; do zap $f; done'"` {
		t.Fatalf("%q", got)
	}
}

func TestStreamVerdicts(t *testing.T) {
	evs := scanAll("● Bash(ls -la)\r\n● Bash(zap production)\r\n")
	if len(evs) != 2 || evs[0].Result.Verdict != Allow || evs[1].Result.Verdict != Pause || evs[1].Result.Top().Rule != "test.zap" {
		t.Fatalf("%+v", evs)
	}
	// A wrapped command is judged by its most concerning reading.
	evs = scanAll("● Bash(echo hi; echo\r\n      zap x)\r\n")
	if len(evs) != 1 || evs[0].Result.Verdict != Pause || evs[0].Command != "echo hi; echo\nzap x" {
		t.Fatalf("wrapped: %+v", evs)
	}
}

func TestStreamWidthRejoinsWraps(t *testing.T) {
	// At 40 columns: the first row is full (broken inside the path), the
	// second ends early (broken at a space).
	in := "● Bash(zap --all /var/lib/postgresql/data/b\r\n      ase/16384 --then-also-this\r\n      --verbose)\r\n"
	s := NewStream(Context{})
	s.SetWidth(40)
	evs := append(s.Write([]byte(in)), s.Flush()...)
	if got := streamSummary(evs); len(got) != 1 || got[0] != `claude 1 "zap --all /var/lib/postgresql/data/base/16384 --then-also-this --verbose"` {
		t.Fatalf("%q", got)
	}
}

func TestStreamCredentialFlow(t *testing.T) {
	tok := "rw_root_fcf8a91b0c2d4e5f60718293a4b5c6d7e8f9c755"
	out := "● Bash(grep -rn CLOUD_API_TOKEN .)\r\n  ⎿  ./infra/domains.env:4:CLOUD_API_TOKEN=" + tok + "\r\n" +
		"● Bash(curl -H \"Authorization: Bearer " + tok + "\" -d '{\"query\":\"mutation { volumeDelete(volumeId: \\\"vol_9f3\\\") }\"}' https://backboard.example.com/graphql/v2)\r\n"
	evs := scanAll(out)
	if len(evs) != 3 {
		t.Fatalf("%q", streamSummary(evs))
	}
	cred := evs[1]
	if cred.Kind != EventCredential || cred.Result.Verdict != Warn || cred.Result.Findings[0].Rule != "credential.seen" {
		t.Fatalf("credential event %+v", cred)
	}
	if r := cred.Result.Findings[0].Reason; !strings.Contains(r, "rw_root_fcf8…c755") || !strings.Contains(r, "infra/domains.env:4") {
		t.Errorf("reason %q", r)
	}
	use := evs[2]
	if len(use.Uses) != 1 || use.Uses[0].Fingerprint != Fingerprint(tok) || use.Uses[0].Source != "infra/domains.env:4" {
		t.Fatalf("uses %+v", use.Uses)
	}
	found := false
	for _, f := range use.Result.Findings {
		if f.Rule == "credential.seen" {
			found = true
			if !strings.Contains(f.Reason, "found in infra/domains.env:4") {
				t.Errorf("reason %q", f.Reason)
			}
		}
	}
	if !found {
		t.Errorf("the command's literal token is not flagged: %+v", use.Result)
	}
	// No event, reason or field carries the secret itself, except the
	// command text the agent printed.
	for _, e := range evs {
		for _, f := range e.Result.Findings {
			if strings.Contains(f.Reason, tok) {
				t.Errorf("reason reveals the token: %q", f.Reason)
			}
		}
		if e.Credential != nil && strings.Contains(e.Credential.Masked, tok[8:20]) {
			t.Errorf("masked reveals the token: %q", e.Credential.Masked)
		}
	}
}

func TestStreamConfigOverrides(t *testing.T) {
	cfg, err := Compile(ConfigFile{Rules: map[string]RuleOverride{"credential.seen": {Verdict: "allow"}}})
	if err != nil {
		t.Fatal(err)
	}
	s := NewStream(Context{Config: cfg})
	evs := append(s.Write([]byte("TOKEN=ghp_R4nd0mL00k1ngT0k3nV4lu3xYz0123456789\n$ zap\n")), s.Flush()...)
	if got := streamSummary(evs); len(got) != 1 || !strings.HasPrefix(got[0], "shell") {
		t.Fatalf("%q", got)
	}
}

func TestStreamBoundedMemory(t *testing.T) {
	s := NewStream(Context{})
	chunk := []byte(strings.Repeat("x", 64<<10))
	for i := 0; i < 160; i++ { // 10 MB without a newline
		s.Write(chunk)
	}
	if len(s.buf) > maxLine || cap(s.buf) > 4*maxLine {
		t.Fatalf("line buffer %d/%d", len(s.buf), cap(s.buf))
	}
	evs := append(s.Write([]byte("\n$ zap after\n")), s.Flush()...)
	if got := streamSummary(evs); len(got) != 1 || got[0] != `shell 2 "zap after"` {
		t.Fatalf("%q", got)
	}
	// A command that never closes its parenthesis stops at the row limit.
	s = NewStream(Context{})
	s.Write([]byte("● Bash(zap \\\n"))
	for i := 0; i < 10000; i++ {
		s.Write([]byte("   more words on a continuation row\n"))
	}
	if s.pending != nil && len(s.pending.rows) > maxPendingRows {
		t.Fatalf("%d rows pending", len(s.pending.rows))
	}
	// Dedupe memory is bounded.
	s = NewStream(Context{})
	for i := 0; i < 3*maxSeen; i++ {
		s.Write(fmt.Appendf(nil, "$ echo %d\n", i))
	}
	if len(s.seen) > maxSeen || len(s.cache) > maxCache {
		t.Fatalf("seen %d cache %d", len(s.seen), len(s.cache))
	}
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	_ = m
}

// Fixtures in testdata/stream: raw terminal output (name.out) and the
// events it must give (name.want, one summary line each).
func TestStreamFixtures(t *testing.T) {
	files, _ := filepath.Glob("testdata/stream/*.out")
	if len(files) == 0 {
		t.Skip("no fixtures")
	}
	for _, f := range files {
		in, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		wantb, err := os.ReadFile(strings.TrimSuffix(f, ".out") + ".want")
		if err != nil {
			t.Fatal(err)
		}
		want := strings.TrimSpace(string(wantb))
		cols := 0
		if h, rest, ok := strings.Cut(want, "\n"); ok && strings.HasPrefix(h, "# cols ") {
			fmt.Sscan(h[len("# cols "):], &cols)
			want = rest
		}
		// Whole, and byte by byte.
		for _, step := range []int{len(in), 1} {
			s := NewStream(Context{})
			s.SetWidth(cols)
			var evs []StreamEvent
			for i := 0; i < len(in); i += step {
				evs = append(evs, s.Write(in[i:min(i+step, len(in))])...)
			}
			evs = append(evs, s.Flush()...)
			if got := strings.Join(streamSummary(evs), "\n"); got != want {
				t.Errorf("%s in chunks of %d:\n got:\n%s\nwant:\n%s", f, step, got, want)
			}
		}
	}
}

func FuzzStream(f *testing.F) {
	for _, c := range streamCases {
		f.Add([]byte(c.in), uint8(7))
	}
	f.Add([]byte(inkSession()), uint8(3))
	f.Add([]byte("\x1b[999999999999A\x1b[;;;;;;;;;;;;;;;;;;;;;;;;;H\x1b[?1049h\x1bP\x1b\\\xff\xfe\xe2\x97"), uint8(1))
	f.Fuzz(func(t *testing.T, data []byte, step uint8) {
		s := NewStream(Context{})
		n := int(step%32) + 1
		for i := 0; i < len(data); i += n {
			for _, e := range s.Write(data[i:min(i+n, len(data))]) {
				checkEvent(t, e)
			}
		}
		for _, e := range s.Flush() {
			checkEvent(t, e)
		}
		if len(s.buf) > maxLine || len(s.seen) > maxSeen || len(s.lows) > maxLows || len(s.creds) > maxCreds {
			t.Fatalf("unbounded: buf %d seen %d lows %d creds %d", len(s.buf), len(s.seen), len(s.lows), len(s.creds))
		}
	})
}

func checkEvent(t *testing.T, e StreamEvent) {
	switch e.Kind {
	case EventCommand:
		if strings.TrimSpace(e.Command) == "" || e.Line < 1 {
			t.Fatalf("bad command event %+v", e)
		}
	case EventCredential:
		if e.Credential == nil || e.Credential.Fingerprint == "" {
			t.Fatalf("bad credential event %+v", e)
		}
	default:
		t.Fatalf("kind %q", e.Kind)
	}
}
