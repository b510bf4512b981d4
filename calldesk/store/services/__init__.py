"""Write services: commands that change the store, each one transaction (`with store.uow()`)."""
