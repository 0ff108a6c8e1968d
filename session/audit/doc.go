// Package audit keeps sentinel's audit log: an append-only, hash-chained
// JSON Lines file with one Record per finding, decision and session event,
// so a team can show what an agent did and who allowed it, and detect when
// the file was edited afterwards.
//
// # Format
//
// Each line is one Record in its canonical encoding followed by "\n". The
// canonical encoding is what Marshal returns: each byte of a string field
// that is not part of valid UTF-8 replaced by U+FFFD, then encoding/json's
// encoding of the Record struct with HTML escaping off (json.Encoder.SetEscapeHTML(false)),
// so compact, fields in the struct's order, fields tagged omitempty left out
// when empty, Time in RFC 3339 with nanoseconds in UTC ("...Z"); and then
// DEL and the C1 controls U+0080–U+009F, which encoding/json leaves raw,
// written as \u007f and \u0080–\u009f, so that no byte of a record can act
// on a terminal that shows the file (C0 controls, ESC among them, are
// already escaped by encoding/json).
//
// Hash is the hex SHA-256 of the canonical encoding of the record with Hash
// set to "". Hash is the last field and never omitted, so a line always ends
// with "hash":"<64 hex digits>"} and anyone can check it without this
// package: delete the 64 digits and hash the bytes of the line that remain
// (without the newline).
//
// Prev is the hex SHA-256 of the previous record's whole line as written
// (without its newline), and 64 zeros for the first record. Seq is 1 for
// the first record of a file and increases by one per record.
//
// Verify checks every line: it parses, it is in canonical form, its Hash
// is right, its Seq follows the previous record's, and its Prev is the hash
// of the previous record's line. An edited, removed, inserted or reordered
// record therefore breaks the chain at a line Verify names. What a chain
// alone cannot show is records cut off the end of the file (the remaining
// file is still a valid chain); keep the head hash (Summary.Head) somewhere
// else when that matters.
//
// # Writing
//
// Open and Append take an exclusive flock(2) on the file around reading its
// tail and appending, and re-read the tail under the lock every time, so
// several sentinel processes can append to one file without forking the
// chain. Each record is written with one write(2) and synced before Append
// returns: after a crash the log is intact up to the last record Append
// reported written.
//
// Nothing is ever deleted. When the end of the file is not a record (a
// write torn by a crash, or anything else), the writer continues the chain
// from the last line that is one, ends the damaged line with a newline if it
// has none, and first appends a Kind "session" record whose Note says which
// lines were damaged. Verify still reports those lines: a torn one as
// "incomplete record (crash?)".
//
// Commands may contain secrets: callers mask them before logging.
package audit
