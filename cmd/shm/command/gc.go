package command

import (
	"fmt"
	"path"

	"github.com/shmkit/shm"
	"github.com/spf13/cobra"
)

func newGC() *cobra.Command {
	var dryRun bool
	cmd := &cobra.Command{
		Use:   "gc [PATTERN] [--dry-run]",
		Short: "Remove orphaned segments",
		Long: `Remove orphans: segments that live while a handle is open, whose holders
all died without closing them (killed, crashed). Only those: never a
segment that is held, one made with "shm create" or Persist, one another
program made (Python, C), or one created while gc runs. Each is checked
again, under its lock, as it is removed.

PATTERN limits gc to names matching a shell pattern (*, ?, [...]).
--dry-run prints what would be removed and removes nothing.`,
		Example: `  shm gc --dry-run
  shm gc 'myapp-*'`,
		Args: args(cobra.MaximumNArgs(1)),
		RunE: run(func(cmd *cobra.Command, args []string) error {
			pattern := "*"
			if len(args) == 1 {
				pattern = args[0]
			}
			if _, err := path.Match(pattern, ""); err != nil {
				return usageErrorf("bad pattern %q: %w", pattern, err)
			}
			names, err := shm.RemoveOrphans(pattern, dryRun)
			verb := "removed"
			if dryRun {
				verb = "would remove"
			}
			for _, name := range names {
				fmt.Fprintf(cmd.OutOrStdout(), "%s %s\n", verb, name)
			}
			if err == nil && len(names) == 0 {
				fmt.Fprintln(cmd.OutOrStdout(), "no orphans")
			}
			return err
		}),
	}
	cmd.Flags().BoolVarP(&dryRun, "dry-run", "n", false, "print what would be removed, remove nothing")
	return cmd
}
