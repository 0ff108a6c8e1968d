package fakemodel

import (
	"encoding/json"
	"net/http"
	"strings"
)

// GeminiShellTool is Gemini CLI's shell tool.
const GeminiShellTool = "run_shell_command"

type geminiRequest struct {
	Contents []struct {
		Role  string `json:"role"`
		Parts []struct {
			Text             string `json:"text"`
			FunctionResponse *struct {
				Name     string          `json:"name"`
				Response json.RawMessage `json:"response"`
			} `json:"functionResponse"`
		} `json:"parts"`
	} `json:"contents"`
	Tools []struct {
		FunctionDeclarations []struct {
			Name string `json:"name"`
		} `json:"functionDeclarations"`
	} `json:"tools"`
	GenerationConfig struct {
		ResponseMimeType   string          `json:"responseMimeType"`
		ResponseJSONSchema json.RawMessage `json:"responseJsonSchema"`
		ResponseSchema     json.RawMessage `json:"responseSchema"`
	} `json:"generationConfig"`
}

func geminiOffersShell(req *geminiRequest) bool {
	for _, t := range req.Tools {
		for _, f := range t.FunctionDeclarations {
			if f.Name == GeminiShellTool {
				return true
			}
		}
	}
	return false
}

// geminiToolResult returns the last function response in the conversation
// as text and whether there was one.
func geminiToolResult(req *geminiRequest) (string, bool) {
	result, found := "", false
	for _, c := range req.Contents {
		for _, p := range c.Parts {
			if p.FunctionResponse != nil {
				result, found = geminiResponseText(p.FunctionResponse.Response), true
			}
		}
	}
	return result, found
}

// geminiResponseText is the "output" (or "error") of a function response,
// or the whole response as JSON when it has neither.
func geminiResponseText(raw json.RawMessage) string {
	var m map[string]json.RawMessage
	if json.Unmarshal(raw, &m) == nil {
		for _, k := range []string{"output", "error"} {
			var s string
			if v, ok := m[k]; ok && json.Unmarshal(v, &s) == nil {
				return s
			}
		}
	}
	return string(raw)
}

func (s *Server) serveGemini(w http.ResponseWriter, r *http.Request, body []byte, rec *Request) {
	var req geminiRequest
	if err := json.Unmarshal(body, &req); err != nil {
		writeJSONStatus(w, http.StatusBadRequest, map[string]any{"error": map[string]any{"code": 400, "status": "INVALID_ARGUMENT", "message": "fakemodel: " + err.Error()}})
		return
	}
	offersShell := geminiOffersShell(&req)
	result, hasResult := geminiToolResult(&req)

	var part map[string]any
	switch {
	case offersShell && hasResult:
		rec.Reply, rec.ToolResult = ReplyFinal, result
		part = map[string]any{"text": s.finalText(result)}
	case offersShell:
		rec.Reply = ReplyToolCall
		part = map[string]any{"functionCall": map[string]any{"id": s.nextID("call_fake"), "name": GeminiShellTool,
			"args": map[string]any{"command": s.opt.Command, "description": s.opt.Description}}}
	case req.GenerationConfig.ResponseMimeType == "application/json":
		// A utility call (model router, next-speaker check) that parses
		// the answer as JSON: give it a value of the requested shape.
		rec.Reply = ReplyAux
		schema := req.GenerationConfig.ResponseJSONSchema
		if len(schema) == 0 {
			schema = req.GenerationConfig.ResponseSchema
		}
		b, _ := json.Marshal(valueForSchema(schema, 0))
		part = map[string]any{"text": string(b)}
	default:
		rec.Reply = ReplyAux
		part = map[string]any{"text": AuxText}
	}
	resp := map[string]any{
		"candidates": []any{map[string]any{
			"content":      map[string]any{"role": "model", "parts": []any{part}},
			"finishReason": "STOP",
			"index":        0,
		}},
		"usageMetadata": map[string]any{"promptTokenCount": approxTokens(body), "candidatesTokenCount": 10,
			"totalTokenCount": approxTokens(body) + 10},
		"modelVersion": s.opt.Model,
		"responseId":   s.nextID("resp_fake"),
	}
	if strings.Contains(r.URL.Path, ":streamGenerateContent") {
		e := newSSE(w)
		e.event("", resp)
		return
	}
	writeJSON(w, resp)
}
