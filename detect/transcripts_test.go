package detect

import (
	"encoding/json"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// The transcript fixtures (testdata/transcripts, see testdata/README.md)
// are agent terminal output in each CLI's format, written separately from
// the scanner: the commands each shows, in order, and whether any pauses.
func TestTranscripts(t *testing.T) {
	files, _ := filepath.Glob("testdata/transcripts/*.txt")
	if len(files) < 8 {
		t.Fatalf("only %d transcript fixtures", len(files))
	}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".txt")
		t.Run(name, func(t *testing.T) {
			raw, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			var want struct {
				Commands []string `json:"commands"`
				Pause    bool     `json:"pause"`
			}
			b, err := os.ReadFile(strings.TrimSuffix(f, ".txt") + ".expect.json")
			if err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(b, &want); err != nil {
				t.Fatal(err)
			}
			check := func(chunks [][]byte) {
				t.Helper()
				s := NewStream(Context{})
				var evs []StreamEvent
				for _, c := range chunks {
					evs = append(evs, s.Write(c)...)
				}
				evs = append(evs, s.Flush()...)
				var got []string
				paused := false
				for _, e := range evs {
					if e.Kind == EventCommand {
						got = append(got, e.Command)
						paused = paused || e.Result.Verdict == Pause
					}
				}
				if !slices.Equal(got, want.Commands) {
					t.Fatalf("commands:\n got %q\nwant %q", got, want.Commands)
				}
				if paused != want.Pause {
					t.Fatalf("pause = %v, want %v", paused, want.Pause)
				}
			}
			check([][]byte{raw})
			// The same bytes in random chunks give the same events.
			r := rand.New(rand.NewPCG(1, 2))
			var chunks [][]byte
			for rest := raw; len(rest) > 0; {
				n := min(len(rest), 1+r.IntN(64))
				chunks = append(chunks, rest[:n])
				rest = rest[n:]
			}
			check(chunks)
		})
	}
}
