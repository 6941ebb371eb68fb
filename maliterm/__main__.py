from maliterm.cli import main

main()
