from perftui.cli.main import main

raise SystemExit(main())
