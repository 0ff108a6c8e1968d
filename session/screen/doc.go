// Package screen keeps the agent's terminal screen: a VT emulator
// (github.com/charmbracelet/x/vt) fed asynchronously from the PTY read path,
// a bounded scrollback history, and a renderer that turns cells into styled
// lines for the console.
//
// Write never blocks and never waits on the emulator: bytes are queued and
// a goroutine feeds them in small pieces. When output arrives faster than the
// emulator can scroll, plain scrolling runs that can no longer be visible are
// skipped (see squash.go) so the pane shows the true final screen soon after
// a burst ends. Rendering goes cell by cell and emits only colours and
// attributes: hyperlinks, titles, clipboard writes and any other escape
// sequence the agent printed never leave the pane.
package screen
