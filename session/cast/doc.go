// Package cast reads and writes asciicast recordings.
//
// Writer produces asciicast v2 (https://docs.asciinema.org/manual/asciicast/v2/):
// a JSON header line followed by one JSON array per event,
// [seconds, code, data]. It is built for crash safety: events are encoded
// into memory and handed to the kernel only as whole lines, at least every
// FlushInterval and at once for markers, so a recorder killed with SIGKILL
// leaves a file that is valid up to its last complete line.
//
// Read accepts v2 and v3 (relative times) and tolerates a torn last line.
package cast
