from sync.cli.commands import main

main()
