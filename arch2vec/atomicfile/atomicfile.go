// Package atomicfile writes files so that readers only ever see the old
// content or the complete new content: checkpoints, exported tables,
// notebooks and kernelspecs survive a crash, an interrupt or a full disk
// mid-write.
package atomicfile

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// Write creates or replaces path with what write produces. It writes a
// temporary file in the same directory, syncs it, sets mode, renames it
// over path and syncs the directory. If write or any step fails, path is
// left untouched, the temporary file is removed and the error is returned.
//
// Errors from creating the file name path, not the temporary file, so a
// user sees the name they gave: a missing directory is reported as
// "create PATH: no such file or directory", and a path that is a directory
// as "atomicfile: PATH is a directory".
func Write(path string, mode os.FileMode, write func(io.Writer) error) (err error) {
	if path == "" {
		return errors.New("atomicfile: empty file name")
	}
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		return fmt.Errorf("atomicfile: %s is a directory", path)
	}
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp*")
	if err != nil {
		if pe, ok := errors.AsType[*os.PathError](err); ok {
			return &os.PathError{Op: "create", Path: path, Err: pe.Err}
		}
		return err
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	if err = write(f); err != nil {
		return err
	}
	if err = f.Chmod(mode); err != nil {
		return err
	}
	if err = f.Sync(); err != nil {
		return err
	}
	if err = f.Close(); err != nil {
		return err
	}
	if err = os.Rename(f.Name(), path); err != nil {
		return err
	}
	return syncDir(dir)
}

// WriteBytes is Write for content already in memory.
func WriteBytes(path string, mode os.FileMode, data []byte) error {
	return Write(path, mode, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

// syncDir makes the rename durable. Some file systems refuse to sync a
// directory; that is not an error worth failing a finished write for.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return nil
	}
	defer d.Close()
	d.Sync()
	return nil
}
