// Package commands binds the arch2vec library to the kernel's command
// language: it registers %load_cells, %show, %pretrain, %load_model,
// %embed, %distance, %search, %export, %save, %load and %workspace on a
// [magic.Mux], and
// keeps the session's state in a [Workspace].
//
// It is the one package that imports both kernel/... and arch2vec/...:
// commands parse their flags through kernel/magic, call the library with
// the cell's context and a progress callback, and show the values they get
// back through kernel/display (tables as HTML + text, figures as PNG + SVG,
// numbers also as application/json).
//
// Every command computes into local values and commits them to the
// workspace only when it succeeds, so an error, an interrupt or a panic
// costs one cell, never the session. Commands run one at a time (the kernel
// executes one cell at a time); the workspace's mutex guards its fields
// against the rare concurrent reader (completion, inspection).
package commands
