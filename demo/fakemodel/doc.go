// Package fakemodel is a scripted stand-in for the model APIs that real
// coding-agent CLIs talk to, so that Claude Code, Codex and Gemini CLI can run
// a whole conversation on this machine with no account and no network beyond
// 127.0.0.1.
//
// One Server speaks three dialects on one port:
//
//   - Anthropic Messages (POST /v1/messages, streaming and not, plus
//     count_tokens and the model list) for Claude Code;
//   - OpenAI Responses (POST /v1/responses, SSE) for Codex;
//   - Gemini generateContent / streamGenerateContent?alt=sse for Gemini CLI.
//
// The script is the same in every dialect and is decided from the request
// alone, so it is deterministic however many auxiliary calls a CLI makes:
//
//   - a conversation request that offers the agent's shell tool and carries
//     no tool result yet gets a call of that tool with Options.Command;
//   - a request that carries a tool result gets a final text that quotes the
//     result (FinalPrefix + result), so a test can see what the agent told the
//     model after the command, e.g. a hook's deny reason;
//   - anything else (title generation, quota probes, classifiers) gets a short
//     harmless text.
//
// Every request is recorded (Requests, ToolResults) for tests to inspect.
package fakemodel
