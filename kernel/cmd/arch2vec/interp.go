package main

import (
	"os"

	"github.com/arch2vec/arch2vec/kernel"
	"github.com/arch2vec/arch2vec/kernel/commands"
	"github.com/arch2vec/arch2vec/kernel/magic"
)

// newInterpreter builds the interpreter every front end serves — the
// Jupyter kernel and "arch2vec run" alike — so that a command behaves the
// same everywhere. The arch2vec commands (kernel/commands) are registered
// here, with the caps of ARCH2VEC_QUICK=1 when it is set.
func newInterpreter() (kernel.Interpreter, error) {
	q, err := commands.QuickFromEnv(os.Getenv(commands.QuickEnv))
	if err != nil {
		return nil, err
	}
	mux := magic.NewMux(kernelInfo())
	commands.Register(mux).SetQuick(q)
	return mux, nil
}

// kernelInfo describes the arch2vec language for kernel_info_reply and
// notebook metadata.
func kernelInfo() kernel.Info {
	v := buildVersion()
	return kernel.Info{
		Implementation:        "arch2vec",
		ImplementationVersion: v,
		Banner:                "arch2vec " + v + " — neural architecture embeddings. Type %help for the commands.",
		Language: kernel.LanguageInfo{
			Name:          "arch2vec",
			Version:       v,
			MIMEType:      "text/x-arch2vec",
			FileExtension: ".a2v",
		},
		HelpLinks: []kernel.HelpLink{{Text: "arch2vec", URL: "https://github.com/MSU-MLSys-Lab/arch2vec"}},
	}
}
