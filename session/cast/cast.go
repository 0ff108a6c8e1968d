package cast

// Event codes used in asciicast files.
const (
	Output = "o" // bytes the program wrote to its terminal
	Input  = "i" // bytes typed into the program (only when explicitly enabled)
	Resize = "r" // terminal resized; data is "COLSxROWS"
	Marker = "m" // a labelled point in time (session events, detections, decisions)
	Exit   = "x" // v3 only: the program's exit status
)

// Header is the first line of a recording.
type Header struct {
	Version   int               `json:"version"`
	Width     int               `json:"width"`
	Height    int               `json:"height"`
	Timestamp int64             `json:"timestamp,omitempty"`
	Command   string            `json:"command,omitempty"`
	Title     string            `json:"title,omitempty"`
	Env       map[string]string `json:"env,omitempty"`
}

// Event is one recorded event. Time is seconds since the start of the
// recording (v3 files are converted from relative times on read).
type Event struct {
	Time float64
	Code string
	Data string
}
