import OnrampApp

await Entrypoint.main()
