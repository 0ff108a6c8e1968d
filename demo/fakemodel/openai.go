package fakemodel

import (
	"encoding/json"
	"net/http"
	"strings"
)

// OpenAIShellTools are the names Codex has given its shell tool, most
// preferred first; the server calls the first one the request offers.
var OpenAIShellTools = []string{"shell_command", "exec_command", "shell", "local_shell"}

type openAIRequest struct {
	Model  string          `json:"model"`
	Stream bool            `json:"stream"`
	Input  json.RawMessage `json:"input"` // a string or a list of items
	Tools  []openAITool    `json:"tools"`
}

type openAITool struct {
	Type       string `json:"type"`
	Name       string `json:"name"`
	Parameters struct {
		Properties map[string]struct {
			Type string `json:"type"`
		} `json:"properties"`
	} `json:"parameters"`
}

type openAIItem struct {
	Type   string          `json:"type"`
	CallID string          `json:"call_id"`
	Output json.RawMessage `json:"output"` // a string, or a list of content items
}

// openAIShellTool returns the shell tool the request offers, if any.
func openAIShellTool(req *openAIRequest) (openAITool, bool) {
	for _, name := range OpenAIShellTools {
		for _, t := range req.Tools {
			if t.Name == name || (name == "local_shell" && t.Type == "local_shell") {
				return t, true
			}
		}
	}
	return openAITool{}, false
}

// openAIToolResult returns the output of the last tool call output item in
// the input and whether there was one.
func openAIToolResult(req *openAIRequest) (string, bool) {
	var items []openAIItem
	if json.Unmarshal(req.Input, &items) != nil {
		return "", false
	}
	result, found := "", false
	for _, it := range items {
		if strings.HasSuffix(it.Type, "_call_output") {
			result, found = openAIOutputText(it.Output), true
		}
	}
	return result, found
}

func openAIOutputText(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var parts []struct {
		Type string `json:"type"`
		Text string `json:"text"`
	}
	if json.Unmarshal(raw, &parts) == nil {
		var texts []string
		for _, p := range parts {
			texts = append(texts, p.Text)
		}
		return strings.Join(texts, "\n")
	}
	return string(raw)
}

// openAIShellCall builds the output item that calls tool with command,
// shaping the arguments after the tool's declared parameters.
func (s *Server) openAIShellCall(tool openAITool) map[string]any {
	callID := s.nextID("call_fake")
	if tool.Type == "local_shell" {
		return map[string]any{"type": "local_shell_call", "id": s.nextID("lsh_fake"), "call_id": callID, "status": "completed",
			"action": map[string]any{"type": "exec", "command": []string{"bash", "-lc", s.opt.Command}}}
	}
	args := map[string]any{}
	props := tool.Parameters.Properties
	switch {
	case props["cmd"].Type != "":
		args["cmd"] = s.opt.Command
	case props["command"].Type == "array":
		args["command"] = []string{"bash", "-lc", s.opt.Command}
	default:
		args["command"] = s.opt.Command
	}
	b, _ := json.Marshal(args)
	return map[string]any{"type": "function_call", "id": s.nextID("fc_fake"), "call_id": callID, "name": tool.Name,
		"arguments": string(b), "status": "completed"}
}

func (s *Server) serveOpenAI(w http.ResponseWriter, body []byte, rec *Request) {
	var req openAIRequest
	if err := json.Unmarshal(body, &req); err != nil {
		writeJSONStatus(w, http.StatusBadRequest, map[string]any{"error": map[string]any{"type": "invalid_request_error", "message": "fakemodel: " + err.Error()}})
		return
	}
	tool, offersShell := openAIShellTool(&req)
	result, hasResult := openAIToolResult(&req)

	var item map[string]any
	message := func(text string) map[string]any {
		return map[string]any{"type": "message", "id": s.nextID("msg_fake"), "role": "assistant", "status": "completed",
			"content": []any{map[string]any{"type": "output_text", "text": text, "annotations": []any{}}}}
	}
	switch {
	case offersShell && hasResult:
		rec.Reply, rec.ToolResult = ReplyFinal, result
		item = message(s.finalText(result))
	case offersShell:
		rec.Reply = ReplyToolCall
		item = s.openAIShellCall(tool)
	default:
		rec.Reply = ReplyAux
		item = message(AuxText)
	}
	model := req.Model
	if model == "" {
		model = s.opt.Model
	}
	respID := s.nextID("resp_fake")
	usage := map[string]any{"input_tokens": approxTokens(body), "input_tokens_details": map[string]any{"cached_tokens": 0},
		"output_tokens": 10, "output_tokens_details": map[string]any{"reasoning_tokens": 0}, "total_tokens": approxTokens(body) + 10}
	response := func(status string, output []any, usage any) map[string]any {
		return map[string]any{"id": respID, "object": "response", "created_at": 0, "status": status, "model": model,
			"output": output, "usage": usage}
	}
	if !req.Stream {
		writeJSON(w, response("completed", []any{item}, usage))
		return
	}
	e := newSSE(w)
	seq := 0
	ev := func(typ string, fields map[string]any) {
		fields["type"] = typ
		fields["sequence_number"] = seq
		seq++
		e.event(typ, fields)
	}
	ev("response.created", map[string]any{"response": response("in_progress", []any{}, nil)})
	ev("response.output_item.added", map[string]any{"output_index": 0, "item": item})
	if item["type"] == "message" {
		text := item["content"].([]any)[0].(map[string]any)["text"]
		ev("response.output_text.delta", map[string]any{"item_id": item["id"], "output_index": 0, "content_index": 0, "delta": text})
	}
	ev("response.output_item.done", map[string]any{"output_index": 0, "item": item})
	ev("response.completed", map[string]any{"response": response("completed", []any{item}, usage)})
}
