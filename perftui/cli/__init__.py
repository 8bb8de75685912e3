"""The command line face: `perftui <command>` over perftui.core."""
