// Package install writes and removes the arch2vec kernelspec: the directory
// kernels/NAME/ under a Jupyter data directory that tells every Jupyter
// client how to start the kernel.
//
// A kernelspec holds kernel.json (argv, display name, language, interrupt
// mode, metadata), the logos logo-32x32.png, logo-64x64.png and
// logo-svg.svg, and — unlike most kernels — a copy of the arch2vec binary
// itself, so that argv[0] is an absolute path that stays valid even when the
// installing binary was temporary (go run) or is later moved. [WriteSpec]
// alone writes such a directory anywhere, optionally pointing at the binary
// in place, for "jupyter kernelspec install DIR" or packages. No Python is
// needed: the layout follows jupyter_client's docs/kernels.rst and
// jupyter_core's search path.
package install
