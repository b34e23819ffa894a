"""The verbeteragenda: action lines and parts answering the portret's points, with a stand van zaken per period."""
