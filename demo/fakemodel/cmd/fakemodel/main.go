// Command fakemodel serves the scripted model API of package fakemodel on
// 127.0.0.1, for trying an agent CLI against it by hand. It prints the base
// URL, logs one line per request and, with -dump DIR, writes each request
// body to DIR/NNN-provider-reply.json.
package main

import (
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"time"

	"github.com/sentinel-console/sentinel/demo/fakemodel"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "loopback address to listen on")
	command := flag.String("command", "echo hello from the fake model", "shell command the model asks to run")
	dump := flag.String("dump", "", "directory to write request bodies to")
	flag.Parse()

	srv, err := fakemodel.New(fakemodel.Options{Command: *command})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	url, err := srv.Start(*addr)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer srv.Close()
	fmt.Println(url)

	stop := make(chan os.Signal, 1)
	signal.Notify(stop, os.Interrupt)
	seen := 0
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-stop:
			return
		case <-tick.C:
		}
		reqs := srv.Requests()
		for ; seen < len(reqs); seen++ {
			r := reqs[seen]
			fmt.Fprintf(os.Stderr, "%03d %s %s %s -> %s %q\n", seen, r.Provider, r.Method, r.Path, r.Reply, r.ToolResult)
			if *dump != "" {
				name := filepath.Join(*dump, fmt.Sprintf("%03d-%s-%s.json", seen, r.Provider, r.Reply))
				if err := os.WriteFile(name, r.Body, 0o644); err != nil {
					fmt.Fprintln(os.Stderr, err)
				}
			}
		}
	}
}
