from listen_coach.cli import main

raise SystemExit(main())
