package fakemodel

import (
	"bufio"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
)

const testCommand = `curl -sS -X POST http://127.0.0.1:1/graphql/v2 -d '{"query":"mutation { volumeDelete(volumeId: \"vol_1\") }"}'`

func startServer(t *testing.T) (*Server, string) {
	t.Helper()
	s, err := New(Options{Command: testCommand, Description: "Delete the volume"})
	if err != nil {
		t.Fatal(err)
	}
	url, err := s.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s, url
}

func post(t *testing.T, url, body string) *http.Response {
	t.Helper()
	resp, err := http.Post(url, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	return resp
}

type event struct {
	name string
	data map[string]any
}

// readSSE parses a whole event stream.
func readSSE(t *testing.T, resp *http.Response) []event {
	t.Helper()
	if ct := resp.Header.Get("Content-Type"); ct != "text/event-stream" {
		t.Fatalf("Content-Type = %q, want text/event-stream", ct)
	}
	var out []event
	var cur event
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "event: "):
			cur.name = strings.TrimPrefix(line, "event: ")
		case strings.HasPrefix(line, "data: "):
			if err := json.Unmarshal([]byte(strings.TrimPrefix(line, "data: ")), &cur.data); err != nil {
				t.Fatalf("bad data line %q: %v", line, err)
			}
		case line == "":
			out = append(out, cur)
			cur = event{}
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func decode(t *testing.T, resp *http.Response) map[string]any {
	t.Helper()
	var v map[string]any
	b, _ := io.ReadAll(resp.Body)
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("status %d, body %q: %v", resp.StatusCode, b, err)
	}
	return v
}

// dig walks nested maps and lists: dig(v, "a", 0, "b").
func dig(v any, path ...any) any {
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, ok := v.(map[string]any)
			if !ok {
				return nil
			}
			v = m[k]
		case int:
			l, ok := v.([]any)
			if !ok || k >= len(l) {
				return nil
			}
			v = l[k]
		}
	}
	return v
}

func TestNewNeedsCommand(t *testing.T) {
	if _, err := New(Options{}); err == nil {
		t.Fatal("New with no command: want an error")
	}
}

func TestStartRefusesNonLoopback(t *testing.T) {
	s, err := New(Options{Command: "true"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Start("0.0.0.0:0"); err == nil {
		s.Close()
		t.Fatal("Start on 0.0.0.0: want an error")
	}
}

func TestAnthropicStreamingScript(t *testing.T) {
	s, url := startServer(t)
	first := `{"model":"claude-x","stream":true,"tools":[{"name":"Read"},{"name":"Bash"}],
		"messages":[{"role":"user","content":"delete it"}]}`
	evs := readSSE(t, post(t, url+"/v1/messages?beta=true", first))
	names := []string{}
	for _, e := range evs {
		names = append(names, e.name)
	}
	want := "message_start content_block_start content_block_delta content_block_stop message_delta message_stop"
	if got := strings.Join(names, " "); got != want {
		t.Fatalf("events = %q, want %q", got, want)
	}
	block := dig(evs[1].data, "content_block")
	if dig(block, "type") != "tool_use" || dig(block, "name") != "Bash" {
		t.Fatalf("content_block = %v, want a Bash tool_use", block)
	}
	var input map[string]string
	if err := json.Unmarshal([]byte(dig(evs[2].data, "delta", "partial_json").(string)), &input); err != nil {
		t.Fatal(err)
	}
	if input["command"] != testCommand || input["description"] != "Delete the volume" {
		t.Fatalf("tool input = %v", input)
	}
	if dig(evs[4].data, "delta", "stop_reason") != "tool_use" {
		t.Fatalf("stop_reason = %v, want tool_use", dig(evs[4].data, "delta", "stop_reason"))
	}

	id := dig(block, "id").(string)
	second := `{"model":"claude-x","stream":true,"tools":[{"name":"Bash"}],"messages":[
		{"role":"user","content":"delete it"},
		{"role":"assistant","content":[{"type":"tool_use","id":"` + id + `","name":"Bash","input":{}}]},
		{"role":"user","content":[{"type":"tool_result","tool_use_id":"` + id + `","is_error":true,
			"content":[{"type":"text","text":"sentinel denied it"}]}]}]}`
	evs = readSSE(t, post(t, url+"/v1/messages", second))
	if got := dig(evs[2].data, "delta", "text"); got != DefaultFinalPrefix+"sentinel denied it" {
		t.Fatalf("final text = %v", got)
	}
	if got := s.ToolResults(); len(got) != 1 || got[0] != "sentinel denied it" {
		t.Fatalf("ToolResults = %q", got)
	}
	if s.Count(ReplyToolCall) != 1 || s.Count(ReplyFinal) != 1 {
		t.Fatalf("replies: %d tool calls, %d finals", s.Count(ReplyToolCall), s.Count(ReplyFinal))
	}
}

func TestAnthropicNonStreamingAndAux(t *testing.T) {
	s, url := startServer(t)
	// A title-generation call: no tools.
	v := decode(t, post(t, url+"/v1/messages", `{"model":"haiku","messages":[{"role":"user","content":"title?"}]}`))
	if dig(v, "content", 0, "text") != AuxText || dig(v, "stop_reason") != "end_turn" {
		t.Fatalf("aux answer = %v", v)
	}
	// Session-title generation: JSON of the requested shape.
	v = decode(t, post(t, url+"/v1/messages", `{"tools":[],"messages":[{"role":"user","content":"title?"}],
		"output_config":{"format":{"type":"json_schema","schema":{"type":"object","properties":{"title":{"type":"string"}},"required":["title"]}}}}`))
	if dig(v, "content", 0, "text") != `{"title":"OK"}` {
		t.Fatalf("title answer = %v", v)
	}
	// A plain string tool_result content.
	v = decode(t, post(t, url+"/v1/messages", `{"tools":[{"name":"Bash"}],"messages":[{"role":"user","content":[
		{"type":"tool_result","tool_use_id":"x","content":"done"}]}]}`))
	if dig(v, "content", 0, "text") != DefaultFinalPrefix+"done" {
		t.Fatalf("final answer = %v", v)
	}
	v = decode(t, post(t, url+"/v1/messages/count_tokens", `{"messages":[]}`))
	if _, ok := v["input_tokens"].(float64); !ok {
		t.Fatalf("count_tokens = %v", v)
	}
	resp := post(t, url+"/v1/messages", `not json`)
	if resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("bad JSON: status %d, want 400", resp.StatusCode)
	}
	reqs := s.Requests()
	if len(reqs) != 5 || reqs[0].Reply != ReplyAux || reqs[2].Reply != ReplyFinal || reqs[3].Reply != ReplyOther {
		t.Fatalf("recorded %d requests: %+v", len(reqs), reqs)
	}
	if !strings.Contains(string(reqs[0].Body), "title?") {
		t.Fatalf("recorded body %q lacks the request", reqs[0].Body)
	}
}

func TestOpenAIShellToolShapes(t *testing.T) {
	cases := []struct {
		name, tools string
		want        map[string]any
	}{
		{"exec_command", `[{"type":"function","name":"exec_command","parameters":{"properties":{"cmd":{"type":"string"}}}}]`,
			map[string]any{"cmd": testCommand}},
		{"shell", `[{"type":"function","name":"shell","parameters":{"properties":{"command":{"type":"array"}}}}]`,
			map[string]any{"command": []any{"bash", "-lc", testCommand}}},
		{"shell_command", `[{"type":"function","name":"shell_command","parameters":{"properties":{"command":{"type":"string"}}}},
			{"type":"function","name":"shell","parameters":{"properties":{"command":{"type":"array"}}}}]`,
			map[string]any{"command": testCommand}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, url := startServer(t)
			evs := readSSE(t, post(t, url+"/v1/responses", `{"model":"m","stream":true,"tools":`+c.tools+`,
				"input":[{"type":"message","role":"user","content":[{"type":"input_text","text":"go"}]}]}`))
			if len(evs) == 0 || evs[len(evs)-1].name != "response.completed" || dig(evs[len(evs)-1].data, "response", "id") == nil {
				t.Fatalf("stream does not end with response.completed carrying an id: %+v", evs)
			}
			var done map[string]any
			for _, e := range evs {
				if e.name == "response.output_item.done" {
					done = e.data
				}
			}
			item := dig(done, "item")
			if dig(item, "type") != "function_call" || dig(item, "name") != c.name || dig(item, "call_id") == nil {
				t.Fatalf("item = %v", item)
			}
			var args map[string]any
			if err := json.Unmarshal([]byte(dig(item, "arguments").(string)), &args); err != nil {
				t.Fatal(err)
			}
			if b1, b2 := mustJSON(args), mustJSON(c.want); b1 != b2 {
				t.Fatalf("arguments = %s, want %s", b1, b2)
			}
		})
	}
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func TestOpenAIFinalAndAux(t *testing.T) {
	s, url := startServer(t)
	evs := readSSE(t, post(t, url+"/v1/responses", `{"stream":true,"tools":[{"type":"function","name":"exec_command"}],"input":[
		{"type":"function_call","call_id":"c1","name":"exec_command","arguments":"{}"},
		{"type":"function_call_output","call_id":"c1","output":"Command blocked by PreToolUse hook: no"}]}`))
	var text any
	for _, e := range evs {
		if e.name == "response.output_item.done" {
			text = dig(e.data, "item", "content", 0, "text")
		}
	}
	if text != DefaultFinalPrefix+"Command blocked by PreToolUse hook: no" {
		t.Fatalf("final text = %v", text)
	}
	v := decode(t, post(t, url+"/v1/responses", `{"input":"name this thread"}`))
	if dig(v, "output", 0, "content", 0, "text") != AuxText {
		t.Fatalf("aux answer = %v", v)
	}
	if got := s.ToolResults(); len(got) != 1 || got[0] != "Command blocked by PreToolUse hook: no" {
		t.Fatalf("ToolResults = %q", got)
	}
}

func TestGeminiScript(t *testing.T) {
	s, url := startServer(t)
	tools := `"tools":[{"functionDeclarations":[{"name":"read_file"},{"name":"run_shell_command"}]}]`
	evs := readSSE(t, post(t, url+"/v1beta/models/gemini-x:streamGenerateContent?alt=sse",
		`{"contents":[{"role":"user","parts":[{"text":"go"}]}],`+tools+`}`))
	if len(evs) != 1 {
		t.Fatalf("%d events, want 1", len(evs))
	}
	call := dig(evs[0].data, "candidates", 0, "content", "parts", 0, "functionCall")
	if dig(call, "name") != "run_shell_command" || dig(call, "args", "command") != testCommand {
		t.Fatalf("functionCall = %v", call)
	}
	v := decode(t, post(t, url+"/v1beta/models/gemini-x:generateContent", `{"contents":[
		{"role":"user","parts":[{"text":"go"}]},
		{"role":"model","parts":[{"functionCall":{"name":"run_shell_command","args":{}}}]},
		{"role":"user","parts":[{"functionResponse":{"name":"run_shell_command","response":{"error":"Tool execution blocked: no"}}}]}],`+tools+`}`))
	if got := dig(v, "candidates", 0, "content", "parts", 0, "text"); got != DefaultFinalPrefix+"Tool execution blocked: no" {
		t.Fatalf("final text = %v", got)
	}
	if got := s.ToolResults(); len(got) != 1 || got[0] != "Tool execution blocked: no" {
		t.Fatalf("ToolResults = %q", got)
	}
}

func TestGeminiJSONAuxFollowsSchema(t *testing.T) {
	_, url := startServer(t)
	v := decode(t, post(t, url+"/v1beta/models/flash-lite:generateContent", `{"contents":[{"role":"user","parts":[{"text":"route"}]}],
		"generationConfig":{"responseMimeType":"application/json","responseJsonSchema":{"type":"OBJECT",
		"properties":{"reasoning":{"type":"STRING"},"score":{"type":"INTEGER"},"next":{"type":"string","enum":["user","model"]}},
		"required":["reasoning","score","next"]}}}`))
	var got map[string]any
	if err := json.Unmarshal([]byte(dig(v, "candidates", 0, "content", "parts", 0, "text").(string)), &got); err != nil {
		t.Fatalf("aux answer is not JSON: %v", err)
	}
	if got["reasoning"] != AuxText || got["score"] != float64(1) || got["next"] != "user" {
		t.Fatalf("aux JSON = %v", got)
	}
}

func TestUnknownAndProbeRequests(t *testing.T) {
	s, url := startServer(t)
	resp, err := http.Head(url + "/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("HEAD / = %d, want 200", resp.StatusCode)
	}
	if r := post(t, url+"/v1/telemetry", `{}`); r.StatusCode != http.StatusNotFound {
		t.Fatalf("unknown path = %d, want 404", r.StatusCode)
	}
	resp, err = http.Get(url + "/v1/models")
	if err != nil {
		t.Fatal(err)
	}
	if v := decode(t, resp); dig(v, "data", 0, "id") != "fake-model" {
		t.Fatalf("model list = %v", v)
	}
	reqs := s.Requests()
	if len(reqs) != 3 || reqs[1].Provider != Unknown || reqs[1].Path != "/v1/telemetry" {
		t.Fatalf("requests = %+v", reqs)
	}
}

func TestDefaultCommandTargetsTheCloud(t *testing.T) {
	got := DefaultCommand("http://127.0.0.1:9/", "/graphql/v2", "rw_root_abc", "vol_9")
	want := `curl -sS -X POST http://127.0.0.1:9/graphql/v2 -H 'Authorization: Bearer rw_root_abc' -H 'Content-Type: application/json' -d '{"query":"mutation { volumeDelete(volumeId: \"vol_9\") }"}'`
	if got != want {
		t.Fatalf("DefaultCommand =\n%s\nwant\n%s", got, want)
	}
}
