from jwcli.launch import main

main()
