// Package replay plays back asciicast recordings for `sentinel replay`.
//
// Open indexes a recording once, streaming: the header, a checkpoint every
// few hundred events (file offset, line, times, terminal size), every marker
// and resize, the duration, and what had to be skipped (a torn last line, a
// corrupt or huge line, an unknown event type), each with its line number.
// Nothing of the output is kept in memory.
//
// A Player (Recording.Player) emulates the recording with x/vt. Seek(t)
// gives the screen exactly as it is after every event up to t, starting from
// the nearest emulator snapshot at or before t: snapshots are taken as the
// emulation passes every few megabytes of output or seconds of recording,
// and shared by all players of the recording. Plain scrolling output that
// cannot be visible at the target is skipped with the console's own
// squasher (screen.Compactor), which is what makes a seek to the end of a
// large log-like recording fast.
//
// A Reader (NewReader) reads a recording's events once, in order, from any
// io.Reader, a pipe included: for sentinel scan, which needs every event
// and no seeks. It reads the same versions and skips the same damaged
// lines, with the same reasons, as Open and the players, telling the
// caller of each as it passes it.
//
// Times are on the player's timeline: recorded times with idle gaps capped
// at Options.IdleLimit, as asciinema's idle_time_limit does.
package replay
