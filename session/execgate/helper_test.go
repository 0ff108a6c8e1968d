package execgate

import "fmt"

func helperMain(mode string, args []string) int {
	switch mode {
	default:
		fmt.Println("unknown helper mode", mode)
		return 2
	}
}
