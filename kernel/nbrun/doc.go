// Package nbrun executes Jupyter notebooks headless, without a Jupyter
// server, ZeroMQ or Python: it reads an nbformat 4 notebook, runs each code
// cell through a [kernel.Interpreter] and writes the notebook back with the
// outputs recorded exactly as nbclient (jupyter nbconvert --execute) would.
//
// The runner drives the same Interpreter as the protocol server, so every
// command behaves the same in JupyterLab and in "arch2vec run". Its
// [kernel.Output] implementation records what a cell shows: consecutive
// stream writes of one name are merged, displays with a display id can be
// updated later (in any cell, as nbclient does; the ids themselves are
// transient and never written), and clear_output honours wait.
//
// Reading is strict: a malformed notebook is an error naming the offending
// field, e.g. `cells[3].outputs[0]: stream output lacks "name"`. Unknown
// fields are kept, and sources are written back exactly as they were read.
package nbrun
