package fakemodel

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Provider names the API dialect a request was written in.
type Provider string

const (
	Anthropic Provider = "anthropic"
	OpenAI    Provider = "openai"
	Gemini    Provider = "gemini"
	Unknown   Provider = "unknown"
)

// Reply says which step of the script a request was answered with.
type Reply string

const (
	ReplyToolCall Reply = "tool-call" // the model asked to run Options.Command
	ReplyFinal    Reply = "final"     // the model quoted the tool result
	ReplyAux      Reply = "aux"       // an auxiliary request got a harmless text
	ReplyOther    Reply = "other"     // count_tokens, model lists, unknown paths
)

// DefaultFinalPrefix starts the model's final message; the tool result
// follows it verbatim.
const DefaultFinalPrefix = "The command returned: "

// AuxText is the answer to any request that is not the scripted conversation.
const AuxText = "OK"

// Options configures a Server.
type Options struct {
	// Command is the shell command the model asks the agent to run on its
	// first turn. Required.
	Command string
	// Description is the model's one-line description of Command (Claude's
	// Bash tool takes one). Default: "Run the requested command".
	Description string
	// FinalPrefix starts the final message; default DefaultFinalPrefix.
	FinalPrefix string
	// Model is the model name reported in answers; default "fake-model".
	Model string
}

// Request is one HTTP request the server received.
type Request struct {
	Time     time.Time
	Provider Provider
	Method   string
	Path     string // path and query, e.g. "/v1/messages?beta=true"
	Header   http.Header
	Body     []byte
	Reply    Reply
	// ToolResult is the text of the last tool result the request carried
	// ("" when it carried none).
	ToolResult string
}

// Server is the fake model API. Create it with New; it is safe for
// concurrent use.
type Server struct {
	opt Options

	mu   sync.Mutex
	reqs []Request
	srv  *http.Server
	seq  int
}

// New returns a server that follows the script with opt.
func New(opt Options) (*Server, error) {
	if strings.TrimSpace(opt.Command) == "" {
		return nil, errors.New("fakemodel: Options.Command is empty")
	}
	if opt.Description == "" {
		opt.Description = "Run the requested command"
	}
	if opt.FinalPrefix == "" {
		opt.FinalPrefix = DefaultFinalPrefix
	}
	if opt.Model == "" {
		opt.Model = "fake-model"
	}
	return &Server{opt: opt}, nil
}

// DefaultCommand is the command the demo's incident turns on: a curl that
// deletes the production volume through the fake cloud's GraphQL API.
// cloudURL is the fake cloud's base URL (demo.Cloud.Start), token the bearer
// token to present, volumeID the volume to delete.
func DefaultCommand(cloudURL, graphQLPath, token, volumeID string) string {
	return fmt.Sprintf(`curl -sS -X POST %s%s -H 'Authorization: Bearer %s' -H 'Content-Type: application/json' -d '{"query":"mutation { volumeDelete(volumeId: \"%s\") }"}'`,
		strings.TrimRight(cloudURL, "/"), graphQLPath, token, volumeID)
}

// Handler serves all three dialects.
func (s *Server) Handler() http.Handler {
	return http.HandlerFunc(s.serve)
}

// Start serves on addr, which must be a loopback address such as
// "127.0.0.1:0", and returns the base URL, e.g. "http://127.0.0.1:41234".
func (s *Server) Start(addr string) (string, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return "", fmt.Errorf("fakemodel: address %q: %w", addr, err)
	}
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return "", fmt.Errorf("fakemodel: address %q is not a loopback address", addr)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.srv != nil {
		return "", errors.New("fakemodel: already started")
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return "", fmt.Errorf("fakemodel: listen on %s: %w", addr, err)
	}
	srv := &http.Server{Handler: s.Handler(), ReadHeaderTimeout: 5 * time.Second}
	s.srv = srv
	// Serve returns http.ErrServerClosed after Close; nothing to report.
	go func() { _ = srv.Serve(ln) }()
	return "http://" + ln.Addr().String(), nil
}

// Close stops a started server. It is safe to call more than once.
func (s *Server) Close() error {
	s.mu.Lock()
	srv := s.srv
	s.mu.Unlock()
	if srv == nil {
		return nil
	}
	return srv.Close()
}

// Requests returns a copy of every request received so far, in order.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Request, len(s.reqs))
	copy(out, s.reqs)
	return out
}

// ToolResults returns the tool results carried by the requests answered with
// the final message, in order: what the agent reported back to the model
// after its shell tool call (the command's output, or a hook's reason).
func (s *Server) ToolResults() []string {
	var out []string
	for _, r := range s.Requests() {
		if r.Reply == ReplyFinal {
			out = append(out, r.ToolResult)
		}
	}
	return out
}

// Count returns how many requests were answered with reply.
func (s *Server) Count(reply Reply) int {
	n := 0
	for _, r := range s.Requests() {
		if r.Reply == reply {
			n++
		}
	}
	return n
}

// maxBody bounds what one request may send; the CLIs send whole
// conversations with long system prompts, well under this.
const maxBody = 64 << 20

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody))
	if err != nil {
		http.Error(w, "read body: "+err.Error(), http.StatusBadRequest)
		return
	}
	rec := Request{
		Time:   time.Now(),
		Method: r.Method,
		Path:   r.URL.RequestURI(),
		Header: r.Header.Clone(),
		Body:   body,
		Reply:  ReplyOther,
	}
	defer func() {
		s.mu.Lock()
		s.reqs = append(s.reqs, rec)
		s.mu.Unlock()
	}()

	path := r.URL.Path
	switch {
	case r.Method == http.MethodHead:
		rec.Provider = Unknown
		// Claude Code probes the base URL with HEAD / before it starts.
		w.WriteHeader(http.StatusOK)
	case strings.HasSuffix(path, "/messages/count_tokens"):
		rec.Provider = Anthropic
		writeJSON(w, map[string]any{"input_tokens": approxTokens(body)})
	case strings.HasSuffix(path, "/messages") && r.Method == http.MethodPost:
		rec.Provider = Anthropic
		s.serveAnthropic(w, body, &rec)
	case strings.HasSuffix(path, "/responses") && r.Method == http.MethodPost:
		rec.Provider = OpenAI
		s.serveOpenAI(w, body, &rec)
	case strings.Contains(path, ":streamGenerateContent"), strings.Contains(path, ":generateContent"):
		rec.Provider = Gemini
		s.serveGemini(w, r, body, &rec)
	case strings.Contains(path, ":countTokens"):
		rec.Provider = Gemini
		writeJSON(w, map[string]any{"totalTokens": approxTokens(body)})
	case strings.HasSuffix(path, "/models") && r.Method == http.MethodGet:
		s.serveModels(w, r, &rec)
	default:
		rec.Provider = Unknown
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusNotFound)
		_, _ = io.WriteString(w, `{"error":{"type":"not_found_error","message":"fakemodel: no such endpoint"}}`)
	}
}

// nextID returns a fresh identifier with the given prefix, unique within
// this server, so that several tool calls in one run do not collide.
func (s *Server) nextID(prefix string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seq++
	return fmt.Sprintf("%s%04d", prefix, s.seq)
}

// serveModels answers the model lists the CLIs may ask for. Anthropic's and
// OpenAI's shapes differ only in fields the other ignores, so one answer
// holds both.
func (s *Server) serveModels(w http.ResponseWriter, r *http.Request, rec *Request) {
	if r.Header.Get("anthropic-version") != "" || r.Header.Get("x-api-key") != "" {
		rec.Provider = Anthropic
	} else {
		rec.Provider = OpenAI
	}
	m := s.opt.Model
	writeJSON(w, map[string]any{
		"object":   "list",
		"data":     []any{map[string]any{"id": m, "object": "model", "type": "model", "display_name": m, "created": 0, "created_at": "2025-01-01T00:00:00Z", "owned_by": "fakemodel"}},
		"has_more": false,
		"first_id": m,
		"last_id":  m,
		"models":   []any{},
	})
}

func writeJSON(w http.ResponseWriter, v any) {
	writeJSONStatus(w, http.StatusOK, v)
}

func writeJSONStatus(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// sse writes server-sent events and flushes after each one, as the real
// APIs do; the CLIs parse events as they arrive.
type sse struct {
	w http.ResponseWriter
}

func newSSE(w http.ResponseWriter) sse {
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	w.WriteHeader(http.StatusOK)
	return sse{w: w}
}

// event writes one event; name "" writes a data-only event.
func (e sse) event(name string, data any) {
	b, err := json.Marshal(data)
	if err != nil {
		// Unreachable: data is built here from maps, strings and numbers.
		// Send the CLI an error event rather than nothing.
		b, _ = json.Marshal(map[string]any{"type": "error", "error": map[string]any{"message": "fakemodel: " + err.Error()}})
	}
	if name != "" {
		fmt.Fprintf(e.w, "event: %s\n", name)
	}
	fmt.Fprintf(e.w, "data: %s\n\n", b)
	if f, ok := e.w.(http.Flusher); ok {
		f.Flush()
	}
}

// approxTokens is a stable, plausible token count for a request body.
func approxTokens(body []byte) int {
	return len(body)/4 + 1
}

// finalText is the model's last message, quoting the tool result.
func (s *Server) finalText(result string) string {
	return s.opt.FinalPrefix + result
}
