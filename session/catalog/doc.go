// Package catalog lists the recorded sessions for `sentinel sessions`.
//
// List reads every recording in a directory with replay.Open, which
// streams the file once and keeps only its header, markers and duration,
// never the output. Nothing is cached: a list is as fresh as the files.
// A recording that cannot be read whole (torn by a crash, a corrupt line,
// a missing header) is still listed, with a Note saying what was wrong.
package catalog
