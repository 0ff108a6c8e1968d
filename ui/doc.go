// Package ui is sentinel's console: one bubbletea model (Model) that lays
// out a status bar, the agent's pane, an events pane and a key hint line,
// and turns the operator's keys, mouse and pastes into actions on the agent.
//
// The model never touches a process or a file. It reads the agent's screen
// through Terminal and asks for side effects through Agent; those calls are
// queued and run, in order, on a goroutine of their own, so Update never
// blocks and keystrokes never overtake each other.
package ui
