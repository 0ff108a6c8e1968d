package main

import (
	"fmt"
	"io"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"

	tea "charm.land/bubbletea/v2"
	uv "github.com/charmbracelet/ultraviolet"
	"github.com/charmbracelet/x/term"
	"github.com/charmbracelet/x/vt"

	"github.com/sentinel-console/sentinel/detect"
	"github.com/sentinel-console/sentinel/session"
	"github.com/sentinel-console/sentinel/session/screen"
	"github.com/sentinel-console/sentinel/themes"
	"github.com/sentinel-console/sentinel/ui"
)

// liveAgent is the console's handle on a running agent: keys go through the
// emulator (which encodes them for the agent's terminal modes) to the PTY.
type liveAgent struct {
	sess   *session.Session
	scr    *screen.Screen
	sup    *session.Supervisor
	notify bool
}

func (a liveAgent) SendKey(k uv.KeyPressEvent) { a.scr.SendKey(k) }
func (a liveAgent) Paste(text string)          { a.scr.Paste(text) }
func (a liveAgent) SendMouse(m vt.Mouse)       { a.scr.SendMouse(m) }
func (a liveAgent) Terminate()                 { a.sess.Terminate(2 * time.Second) }

// Decide is the only way a decision reaches the supervisor: the console
// calls it for the operator's keys.
func (a liveAgent) Decide(id int, d session.Decision) { _ = a.sup.Decide(id, d) }

func (a liveAgent) Attention(summary string) {
	if a.notify {
		notifyDesktop(summary)
	}
}

// Resize follows the order a terminal uses: the PTY first (the agent gets
// SIGWINCH), then the emulator, after the output written for the old size.
func (a liveAgent) Resize(cols, rows int) {
	_ = a.sess.Resize(cols, rows)
	a.scr.Resize(cols, rows)
}

// replyWriter forwards the emulator's replies to the session once it exists.
type replyWriter struct {
	mu   sync.Mutex
	sess *session.Session
}

func (r *replyWriter) Write(p []byte) (int, error) {
	r.mu.Lock()
	s := r.sess
	r.mu.Unlock()
	if s == nil {
		return len(p), nil
	}
	return s.Write(p)
}

// mailbox delivers messages to the program from any goroutine without ever
// blocking the sender (session events arrive before the program runs).
type mailbox struct {
	mu   sync.Mutex
	cond *sync.Cond
	msgs []tea.Msg
	p    *tea.Program
}

func newMailbox() *mailbox {
	m := &mailbox{}
	m.cond = sync.NewCond(&m.mu)
	return m
}

func (m *mailbox) post(msg tea.Msg) {
	m.mu.Lock()
	m.msgs = append(m.msgs, msg)
	m.cond.Signal()
	m.mu.Unlock()
}

func (m *mailbox) run(p *tea.Program, done <-chan struct{}) {
	for {
		m.mu.Lock()
		for len(m.msgs) == 0 {
			select {
			case <-done:
				m.mu.Unlock()
				return
			default:
			}
			m.cond.Wait()
		}
		msgs := m.msgs
		m.msgs = nil
		m.mu.Unlock()
		for _, msg := range msgs {
			p.Send(msg)
		}
	}
}

func (m *mailbox) stop() {
	m.mu.Lock()
	m.cond.Broadcast()
	m.mu.Unlock()
}

func runConsole(sp sessionSpec, o runOptions, prefix ui.Prefix, theme themes.Theme, stdin, stdout, stderr *os.File) (st session.ExitStatus, blocked int, err error) {
	box := newMailbox()
	replies := &replyWriter{}
	scr := screen.New(screen.Options{
		Width: sp.cols, Height: sp.rows, Scrollback: o.scrollback, Replies: replies,
		OnChange: func() { box.post(ui.ScreenChanged{}) },
	})
	defer scr.Close()

	opts := sp.options()
	opts.Output = []io.Writer{scr}
	opts.OnEvent = func(e session.Event) { box.post(ui.SessionEvent{Event: e}) }
	supOpts := sp.supervisorOptions()
	supOpts.OnHeld = func(a *session.Action) { box.post(ui.ActionHeld{Action: a}) }
	supOpts.OnDecided = func(a *session.Action, d session.Decision) { box.post(ui.ActionDecided{Action: a, Decision: d}) }
	supOpts.OnFinding = func(src session.Source, cmd string, r detect.Result, _ []string) {
		box.post(ui.FindingSeen{Source: src, Command: cmd, Result: r})
	}
	sup := session.NewSupervisor(supOpts)
	opts.Supervisor = sup
	sp.hooks.serve(sup)
	sess, err := session.Begin(opts)
	if err != nil {
		return st, 0, startError(err)
	}
	replies.mu.Lock()
	replies.sess = sess
	replies.mu.Unlock()
	// Fail closed even if what follows panics.
	defer func() {
		if !sess.Exited() {
			sess.Terminate(2 * time.Second)
		}
	}()
	sp.recAlarm.onFire(func(err error) { box.post(ui.RecordingFailed{Err: err}) })
	if sp.hooks != nil && sp.hooks.inj.Warning != "" {
		// Printed on stderr too, but the console's screen covers that.
		box.post(ui.SessionEvent{Event: session.Event{Time: time.Now(), Kind: session.EventNotice, Text: sp.hooks.inj.Warning}})
	}

	w, h := termSize(stdout)
	model := ui.New(ui.Config{
		SessionID: sp.id, Command: sp.display, Started: sp.start,
		Recording: sp.recPath, Prefix: prefix, Theme: theme, ExitWhenDone: o.exitAtEnd,
		Protections: sp.protections(), Operator: operatorName(), Notify: sp.notify,
	}, scr, liveAgent{sess: sess, scr: scr, sup: sup, notify: sp.notify}, w, h)

	p := tea.NewProgram(model, tea.WithInput(stdin), tea.WithOutput(stdout))
	done := make(chan struct{})
	go box.run(p, done)
	go func() {
		<-sess.Done()
		box.post(ui.AgentExited{Status: sess.Exit()})
	}()
	// A hangup or SIGQUIT ends the console, and with it the agent.
	stopSignals := quitOnHangup(p, done)
	_, runErr := p.Run()

	// Fail closed: whatever ended the console, the agent does not outlive
	// it. This comes first, before anything that could wait on the agent.
	if !sess.Exited() {
		sess.Terminate(2 * time.Second)
	}
	st = sess.Wait()
	stopSignals()
	close(done)
	box.stop()
	model.Close()
	if runErr != nil {
		// The session did run and end: its end is recorded all the same.
		return st, sup.Blocked(), &endedBadly{fail(1, "console: %v", runErr)}
	}
	fmt.Fprintln(stderr, sp.endLine())
	return st, sup.Blocked(), nil
}

// endedBadly is an error of the console after the session ran and ended
// (interrupted by a signal, a broken terminal): the caller still records
// the session's end in the audit log.
type endedBadly struct{ err error }

func (e *endedBadly) Error() string { return e.err.Error() }
func (e *endedBadly) Unwrap() error { return e.err }

// quitOnHangup quits p on SIGHUP (the operator's terminal went away) or
// SIGQUIT; bubbletea itself handles SIGINT and SIGTERM. The watch ends when
// done closes; call the returned function first to stop catching them.
func quitOnHangup(p *tea.Program, done <-chan struct{}) (stop func()) {
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGHUP, syscall.SIGQUIT)
	go func() {
		select {
		case <-sigs:
			p.Quit()
		case <-done:
		}
	}()
	return func() { signal.Stop(sigs) }
}

func termSize(f *os.File) (int, int) {
	w, h, err := term.GetSize(f.Fd())
	if err != nil || w <= 0 || h <= 0 {
		return 80, 24
	}
	return w, h
}
