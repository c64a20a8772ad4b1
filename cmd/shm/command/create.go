package command

import (
	"errors"
	"fmt"
	"io/fs"
	"runtime"

	"github.com/shmkit/shm"
	"github.com/spf13/cobra"
)

func newCreate() *cobra.Command {
	var size bytesValue
	perm := permValue(0o600)
	cmd := &cobra.Command{
		Use:   "create NAME --size N [--perm MODE]",
		Short: "Create a persistent segment (until shm rm)",
		Long: `Create a new segment of --size zeroed bytes, failing if the name is taken.

A shell command exits at once, so the segment it makes is persistent: it
stays until "shm rm NAME" (or a reboot), like one made by Python's
multiprocessing.shared_memory, whether or not any process has it open. To
make a segment that lives only while something uses it, run "shm hold"
instead. Windows has no persistent segments: there use "shm hold".

--perm sets the permission bits (default 0600, owner only; the umask does
not apply).`,
		Example: `  shm create telemetry --size 64K
  shm create Local\scratch --size 1MiB --perm 0640`,
		Args:              args(cobra.ExactArgs(1)),
		ValidArgsFunction: cobra.NoFileCompletions,
		RunE: run(func(cmd *cobra.Command, args []string) error {
			if size <= 0 {
				return usageErrorf("--size must be at least 1 byte")
			}
			seg, err := shm.Create(args[0], int64(size), shm.Persist(), shm.Perm(fs.FileMode(perm)))
			if err != nil {
				if errors.Is(err, errors.ErrUnsupported) && runtime.GOOS == "windows" {
					return fmt.Errorf(`%w (use "shm hold NAME --size N", which keeps the segment while it runs)`, err)
				}
				return err
			}
			if err := seg.Close(); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "created %s: %d bytes, mode %v, persistent until \"shm rm %s\"\n",
				args[0], seg.Size(), &perm, args[0])
			return nil
		}),
	}
	cmd.Flags().Var(&size, "size", "size in bytes (e.g. 4096, 64K, 1MiB)")
	cmd.Flags().Var(&perm, "perm", "permission bits, octal")
	cmd.MarkFlagRequired("size")
	return cmd
}
