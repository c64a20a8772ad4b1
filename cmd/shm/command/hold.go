package command

import (
	"fmt"
	"io/fs"

	"github.com/shmkit/shm"
	"github.com/spf13/cobra"
)

func newHold() *cobra.Command {
	var size bytesValue
	perm := permValue(0o600)
	cmd := &cobra.Command{
		Use:   "hold NAME [--size N]",
		Short: "Keep a segment alive until interrupted",
		Long: `Open a segment and keep it open until interrupted (Ctrl-C, SIGTERM), like
the AutoHotkey FileMapping's Persistent(). With --size it creates the
segment if it does not exist (zeroed, with --perm); without, the segment
must exist.

A segment this command creates lives while any process has it open, and is
removed when the last one closes it: when this command ends, unless other
programs still use it. This is the only way to keep a segment on Windows,
where the kernel removes a mapping with its last handle.

It prints one line once it holds the segment, and exits with status 0
when interrupted.`,
		Example: `  shm hold telemetry --size 64K &
  shm write telemetry "ready"`,
		Args:              args(cobra.ExactArgs(1)),
		ValidArgsFunction: completeNames,
		RunE: run(func(cmd *cobra.Command, args []string) error {
			name := args[0]
			var seg *shm.Segment
			var err error
			if cmd.Flags().Changed("size") {
				if size <= 0 {
					return usageErrorf("--size must be at least 1 byte")
				}
				seg, err = shm.OpenOrCreate(name, int64(size), shm.Perm(fs.FileMode(perm)))
			} else {
				seg, err = shm.Open(name)
			}
			if err != nil {
				return err
			}
			how := "opened"
			if seg.Created() {
				how = "created"
			}
			fmt.Fprintf(cmd.OutOrStdout(), "holding %s (%d bytes, %s); interrupt to release\n", name, seg.Size(), how)
			<-cmd.Context().Done()
			if err := seg.Close(); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "released %s\n", name)
			return nil
		}),
	}
	cmd.Flags().Var(&size, "size", "create the segment with this size if it does not exist")
	cmd.Flags().Var(&perm, "perm", "permission bits, octal, if it is created")
	return cmd
}
