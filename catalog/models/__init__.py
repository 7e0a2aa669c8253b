from .dictionary import DataElement, MaterialType
from .history import CatalogChange
from .items import ItemFormField, ItemMaterial, ServiceItem
from .one_things import FAQ, Batch, OneThing, OneThingItem, Option, Question

__all__ = [
    "DataElement",
    "MaterialType",
    "CatalogChange",
    "ItemFormField",
    "ItemMaterial",
    "ServiceItem",
    "FAQ",
    "Batch",
    "OneThing",
    "OneThingItem",
    "Option",
    "Question",
]
