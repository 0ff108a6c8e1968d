package ui

import "os"

var homeDir = os.UserHomeDir
