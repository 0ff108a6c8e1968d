package fakemodel

import (
	"encoding/json"
	"net/http"
	"strings"
)

// AnthropicShellTool is Claude Code's shell tool.
const AnthropicShellTool = "Bash"

type anthropicRequest struct {
	Model    string `json:"model"`
	Stream   bool   `json:"stream"`
	Messages []struct {
		Role    string          `json:"role"`
		Content json.RawMessage `json:"content"` // a string or a list of blocks
	} `json:"messages"`
	Tools []struct {
		Name string `json:"name"`
	} `json:"tools"`
	OutputConfig struct {
		Format struct {
			Type   string          `json:"type"`
			Schema json.RawMessage `json:"schema"`
		} `json:"format"`
	} `json:"output_config"`
}

type anthropicBlock struct {
	Type      string          `json:"type"`
	Text      string          `json:"text"`
	ToolUseID string          `json:"tool_use_id"`
	Content   json.RawMessage `json:"content"` // tool_result: a string or a list of blocks
}

// anthropicToolResult returns the text of the last tool_result block in the
// conversation and whether there was one.
func anthropicToolResult(req *anthropicRequest) (string, bool) {
	result, found := "", false
	for _, m := range req.Messages {
		var blocks []anthropicBlock
		if json.Unmarshal(m.Content, &blocks) != nil {
			continue // a plain string message
		}
		for _, b := range blocks {
			if b.Type == "tool_result" {
				result, found = anthropicText(b.Content), true
			}
		}
	}
	return result, found
}

// anthropicText flattens a content value (a string or a list of blocks) to
// its text.
func anthropicText(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var blocks []anthropicBlock
	if json.Unmarshal(raw, &blocks) != nil {
		return ""
	}
	var parts []string
	for _, b := range blocks {
		if b.Type == "text" {
			parts = append(parts, b.Text)
		}
	}
	return strings.Join(parts, "\n")
}

func (s *Server) serveAnthropic(w http.ResponseWriter, body []byte, rec *Request) {
	var req anthropicRequest
	if err := json.Unmarshal(body, &req); err != nil {
		writeJSONStatus(w, http.StatusBadRequest, map[string]any{"type": "error", "error": map[string]any{"type": "invalid_request_error", "message": "fakemodel: " + err.Error()}})
		return
	}
	offersShell := false
	for _, t := range req.Tools {
		if t.Name == AnthropicShellTool {
			offersShell = true
		}
	}
	result, hasResult := anthropicToolResult(&req)

	var block map[string]any
	stop := "end_turn"
	switch {
	case offersShell && hasResult:
		rec.Reply, rec.ToolResult = ReplyFinal, result
		block = map[string]any{"type": "text", "text": s.finalText(result)}
	case offersShell:
		rec.Reply = ReplyToolCall
		stop = "tool_use"
		block = map[string]any{"type": "tool_use", "id": s.nextID("toolu_fake"), "name": AnthropicShellTool,
			"input": map[string]any{"command": s.opt.Command, "description": s.opt.Description}}
	case req.OutputConfig.Format.Type == "json_schema":
		// Session-title generation asks for JSON of a given shape.
		rec.Reply = ReplyAux
		b, _ := json.Marshal(valueForSchema(req.OutputConfig.Format.Schema, 0))
		block = map[string]any{"type": "text", "text": string(b)}
	default:
		rec.Reply = ReplyAux
		block = map[string]any{"type": "text", "text": AuxText}
	}
	model := req.Model
	if model == "" {
		model = s.opt.Model
	}
	msgID := s.nextID("msg_fake")
	usage := map[string]any{"input_tokens": approxTokens(body), "output_tokens": 10,
		"cache_creation_input_tokens": 0, "cache_read_input_tokens": 0}

	if !req.Stream {
		writeJSON(w, map[string]any{"id": msgID, "type": "message", "role": "assistant", "model": model,
			"content": []any{block}, "stop_reason": stop, "stop_sequence": nil, "usage": usage})
		return
	}
	e := newSSE(w)
	e.event("message_start", map[string]any{"type": "message_start", "message": map[string]any{
		"id": msgID, "type": "message", "role": "assistant", "model": model, "content": []any{},
		"stop_reason": nil, "stop_sequence": nil, "usage": usage}})
	if block["type"] == "tool_use" {
		input, _ := json.Marshal(block["input"])
		e.event("content_block_start", map[string]any{"type": "content_block_start", "index": 0, "content_block": map[string]any{
			"type": "tool_use", "id": block["id"], "name": block["name"], "input": map[string]any{}}})
		e.event("content_block_delta", map[string]any{"type": "content_block_delta", "index": 0,
			"delta": map[string]any{"type": "input_json_delta", "partial_json": string(input)}})
	} else {
		e.event("content_block_start", map[string]any{"type": "content_block_start", "index": 0,
			"content_block": map[string]any{"type": "text", "text": ""}})
		e.event("content_block_delta", map[string]any{"type": "content_block_delta", "index": 0,
			"delta": map[string]any{"type": "text_delta", "text": block["text"]}})
	}
	e.event("content_block_stop", map[string]any{"type": "content_block_stop", "index": 0})
	e.event("message_delta", map[string]any{"type": "message_delta",
		"delta": map[string]any{"stop_reason": stop, "stop_sequence": nil}, "usage": map[string]any{"output_tokens": 10}})
	e.event("message_stop", map[string]any{"type": "message_stop"})
}
