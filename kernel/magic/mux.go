package magic

import (
	"context"
	"fmt"
	"slices"
	"sync"

	"github.com/arch2vec/arch2vec/kernel"
)

// Mux is the command interpreter: a registry of commands, like
// net/http.ServeMux, that runs cells written in the command language and
// answers completion, inspection and is-complete requests. It implements
// [kernel.Interpreter].
//
// Register commands with Handle at start-up. Execute is called by one
// goroutine at a time; Complete, Inspect and IsComplete may run
// concurrently with it.
type Mux struct {
	info kernel.Info

	mu   sync.RWMutex
	cmds map[string]*spec

	histMu  sync.Mutex
	history []HistoryEntry
}

var _ kernel.Interpreter = (*Mux)(nil)

// HistoryEntry is one cell recorded for %history.
type HistoryEntry struct {
	// Count is the cell's execution count.
	Count int
	// Code is the cell's source.
	Code string
}

// NewMux returns a Mux describing itself with info, with the built-in
// commands registered: %help, %lsmagic, %history, %sleep, %echo, %clear
// and %demo.
func NewMux(info kernel.Info) *Mux {
	m := &Mux{info: info, cmds: map[string]*spec{}}
	for _, c := range m.builtins() {
		m.Handle(c)
	}
	return m
}

// Handle registers a command. It panics if the command is invalid (bad
// name, nil Run, empty Summary, inconsistent flags or arguments, a default
// that does not parse) or if a command with the same name is already
// registered: these are programmer errors, found at start-up. The Mux keeps
// c, which must not be modified afterwards.
func (m *Mux) Handle(c *Command) {
	s := compile(c)
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, dup := m.cmds[c.Name]; dup {
		panic(fmt.Sprintf("magic: command %%%s registered twice", c.Name))
	}
	m.cmds[c.Name] = s
}

// Lookup returns the command with the given name (without %), or nil.
func (m *Mux) Lookup(name string) *Command {
	if s := m.lookup(name); s != nil {
		return s.cmd
	}
	return nil
}

func (m *Mux) lookup(name string) *spec {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.cmds[name]
}

// Commands returns the registered commands sorted by name.
func (m *Mux) Commands() []*Command {
	m.mu.RLock()
	defer m.mu.RUnlock()
	cmds := make([]*Command, 0, len(m.cmds))
	for _, s := range m.cmds {
		cmds = append(cmds, s.cmd)
	}
	slices.SortFunc(cmds, func(a, b *Command) int { return cmpString(a.Name, b.Name) })
	return cmds
}

func cmpString(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// names returns the sorted command names.
func (m *Mux) names() []string {
	cmds := m.Commands()
	names := make([]string, len(cmds))
	for i, c := range cmds {
		names[i] = c.Name
	}
	return names
}

// Info returns the description given to NewMux.
func (m *Mux) Info() kernel.Info { return m.info }

// History returns the cells recorded so far, oldest first.
func (m *Mux) History() []HistoryEntry {
	m.histMu.Lock()
	defer m.histMu.Unlock()
	return slices.Clone(m.history)
}

func (m *Mux) record(count int, code string) {
	m.histMu.Lock()
	defer m.histMu.Unlock()
	m.history = append(m.history, HistoryEntry{Count: count, Code: code})
}

// Execute runs a cell. The whole cell is parsed and checked first; a
// UsageError then runs nothing. The commands run in order and the first
// error stops the cell. A value set with Call.Result by the last command
// becomes the cell's result; help requests (%name?) add a page payload.
// Cells with StoreHistory set are recorded for %history, whatever their
// outcome. Panics in commands are not recovered here.
func (m *Mux) Execute(ctx context.Context, req *kernel.ExecuteRequest, out kernel.Output) (*kernel.ExecuteResult, error) {
	if req.StoreHistory {
		m.record(req.ExecutionCount, req.Code)
	}
	prog, err := m.compileCell(req.Code)
	if err != nil {
		return nil, err
	}
	res := &kernel.ExecuteResult{Payload: []map[string]any{}}
	for i, ln := range prog {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("magic: interrupted before %%%s: %w", ln.spec.cmd.Name, context.Cause(ctx))
		}
		if ln.help {
			res.Payload = append(res.Payload, helpPage(ln.spec.cmd))
			continue
		}
		call := ln.call
		call.Out, call.Request = out, req
		if err := ln.spec.cmd.Run(ctx, call); err != nil {
			return nil, err
		}
		switch {
		case call.result == nil:
		case i == len(prog)-1:
			res.Value = call.result
		default:
			if err := out.Display(*call.result, ""); err != nil {
				return nil, err
			}
		}
	}
	return res, nil
}
