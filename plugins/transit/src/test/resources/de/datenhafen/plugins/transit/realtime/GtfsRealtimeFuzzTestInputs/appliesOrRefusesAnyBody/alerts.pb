

2.0¤´“Î]
works-1*R
 ñ’ÎÀþ˜Î**hbf-2*r50
8R

Steig 2 gesperrtdeZ

Platform 2 closed