from jwcli.cli import main

main()
