package command

import (
	"errors"
	"fmt"

	"github.com/shmkit/shm"
	"github.com/spf13/cobra"
)

func newRm() *cobra.Command {
	return &cobra.Command{
		Use:   "rm NAME...",
		Short: "Remove segments",
		Long: `Remove the names of segments, whoever made them. Processes that have a
segment open keep its memory until they close it; new opens of the name
fail, or create a new segment.`,
		Example:           `  shm rm telemetry`,
		Args:              args(cobra.MinimumNArgs(1)),
		ValidArgsFunction: completeNames,
		RunE: run(func(cmd *cobra.Command, args []string) error {
			var errs []error
			for _, name := range args {
				if err := shm.Remove(name); err != nil {
					errs = append(errs, err)
					continue
				}
				fmt.Fprintf(cmd.OutOrStdout(), "removed %s\n", name)
			}
			return errors.Join(errs...)
		}),
	}
}
