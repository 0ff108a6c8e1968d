package agentcli

import "strings"

// envWith returns env with extra appended, later entries replacing earlier
// ones of the same name.
func envWith(env []string, extra ...string) []string {
	out := append([]string{}, env...)
	for _, kv := range extra {
		name, _, _ := strings.Cut(kv, "=")
		for i, old := range out {
			if strings.HasPrefix(old, name+"=") {
				out = append(out[:i], out[i+1:]...)
				break
			}
		}
		out = append(out, kv)
	}
	return out
}
