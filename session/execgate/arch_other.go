//go:build linux && !amd64 && !arm64

package execgate

// No syscall table here: Supported reports it and RunTrampoline refuses.
var abi = archABI{}
