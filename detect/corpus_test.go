package detect

import (
	"bufio"
	"encoding/json"
	"os"
	"sort"
	"testing"
	"time"
)

type corpusItem struct {
	ID       string `json:"id"`
	Command  string `json:"command"`
	Label    string `json:"label"`
	Category string `json:"category"`
}

func loadCorpus(tb testing.TB) []corpusItem {
	tb.Helper()
	f, err := os.Open("testdata/corpus.jsonl")
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	var items []corpusItem
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for n := 1; sc.Scan(); n++ {
		var it corpusItem
		if err := json.Unmarshal(sc.Bytes(), &it); err != nil {
			tb.Fatalf("corpus.jsonl:%d: %v", n, err)
		}
		items = append(items, it)
	}
	return items
}

// The project's own labelled corpus (detect/testdata/README.md): every
// analyser and every bypass shape, pause and allow. A warn on an allow item
// is fine; only a pause is a false alarm.
func TestCorpus(t *testing.T) {
	items := loadCorpus(t)
	var pauses, hits, allows, falsePauses int
	var misses, alarms []string
	for _, it := range items {
		r := Command(it.Command, Context{})
		switch it.Label {
		case "pause":
			pauses++
			if r.Verdict == Pause {
				hits++
			} else {
				misses = append(misses, it.ID+" "+it.Command)
			}
		case "allow":
			allows++
			if r.Verdict == Pause {
				falsePauses++
				alarms = append(alarms, it.ID+" "+it.Command+"  ["+r.Top().Rule+"]")
			}
		}
	}
	recall := float64(hits) / float64(pauses)
	fp := float64(falsePauses) / float64(allows)
	t.Logf("corpus: %d items, recall %.3f (%d/%d), false pause %.3f (%d/%d)", len(items), recall, hits, pauses, fp, falsePauses, allows)
	if recall < 0.98 || fp > 0.02 {
		for _, m := range misses {
			t.Logf("missed: %s", m)
		}
		for _, a := range alarms {
			t.Logf("false pause: %s", a)
		}
		t.Errorf("recall %.3f (want >= 0.98), false pause %.3f (want <= 0.02)", recall, fp)
	}
}

// BenchmarkCorpus reports the median and 99th percentile analysis time per
// command over the corpus (targets: 20 µs and 200 µs).
func BenchmarkCorpus(b *testing.B) {
	items := loadCorpus(b)
	var times []time.Duration
	for b.Loop() {
		for _, it := range items {
			t0 := time.Now()
			Command(it.Command, Context{})
			times = append(times, time.Since(t0))
		}
	}
	sort.Slice(times, func(i, j int) bool { return times[i] < times[j] })
	b.ReportMetric(float64(times[len(times)/2].Nanoseconds())/1e3, "median-µs")
	b.ReportMetric(float64(times[len(times)*99/100].Nanoseconds())/1e3, "p99-µs")
	b.ReportMetric(0, "ns/op")
}
