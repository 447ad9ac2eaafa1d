from sync.cli.entry import main

main()
